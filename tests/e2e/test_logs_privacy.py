"""At DEBUG, in JSON, a whole journey logs neither the token nor what the user wrote."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from nudgebot.db.models import Note
from nudgebot.logs import configure_logging
from tests.e2e.service import running_service
from tests.e2e.test_subscriber_journey import receive_tip, subscribe

CHECK_IN = "slept badly, ate kimchi, felt calmer 4242"


@pytest.fixture
def captured_json_debug(fake: FakeBotApi) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(fake.token, level=logging.DEBUG, log_format="json", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("webhook", [True, False], ids=["webhook", "polling"])
async def test_json_debug_logs_hold_neither_the_token_nor_check_in_text(
    fake: FakeBotApi,
    database_url: str,
    clock: ManualClock,
    captured_json_debug: io.StringIO,
    webhook: bool,
) -> None:
    async with running_service(fake, database_url, clock, webhook=webhook) as served:
        ada = fake.user(1)
        await subscribe(served, ada)
        tip = await receive_tip(served, ada)
        before = len(ada.inbox())
        ada.send_text(CHECK_IN, reply_to=tip.message_id)
        await fake.wait_for_message(ada.chat_id, after=before)
        async with served.sessions() as session:
            assert (await session.execute(select(Note.text))).scalar_one() == CHECK_IN
    written = captured_json_debug.getvalue()
    entries = [json.loads(line) for line in written.splitlines()]
    assert any(entry["level"] == "DEBUG" for entry in entries)
    assert any("Calling Bot API endpoint" in entry["message"] for entry in entries)
    assert all({"ts", "level", "logger", "message"} <= set(entry) for entry in entries)
    assert fake.token not in written
    assert fake.token.split(":")[1] not in written
    assert "kimchi" not in written
