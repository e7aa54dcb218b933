"""The bot answers over either request class NUDGEBOT_HTTP_CLIENT names."""

from __future__ import annotations

import pytest
from telegram.request import BaseRequest

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from nudgebot.monitoring.observed_request import ObservedRequest
from nudgebot.telegram.aiohttp_request import AiohttpRequest
from nudgebot.telegram.lean_request import LeanHttpRequest
from tests.e2e.harness import running_bot


@pytest.mark.parametrize(
    ("setting", "request_class"),
    [("aiohttp", AiohttpRequest), ("lean", LeanHttpRequest), (None, LeanHttpRequest)],
    ids=["aiohttp", "lean", "unset"],
)
async def test_start_is_answered_through_the_chosen_http_client(
    fake: FakeBotApi,
    database_url: str,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    setting: str | None,
    request_class: type[BaseRequest],
) -> None:
    if setting is None:
        monkeypatch.delenv("NUDGEBOT_HTTP_CLIENT", raising=False)
    else:
        monkeypatch.setenv("NUDGEBOT_HTTP_CLIENT", setting)
    async with running_bot(fake, database_url, clock, send_timeout=1.0) as bot:
        ada = bot.fake.user(1001)
        ada.send_command("/start")
        welcome = await bot.fake.wait_for_message(ada.chat_id, after=1)

        # The send path's request, inside the wrapper that tells health whether Telegram answers.
        request = bot.app.bot.request
        assert isinstance(request, ObservedRequest)
        assert type(request.inner) is request_class
    assert welcome.buttons
