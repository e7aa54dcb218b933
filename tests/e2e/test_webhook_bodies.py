"""Bodies no Telegram would send are 400, never 500, and leave no error or traceback in the log."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from nudgebot.db.models import Subscriber
from tests.e2e.rawhttp import errors_or_tracebacks
from tests.e2e.service import Served, running_service

Update = dict[str, Any]


@pytest.fixture
async def hooked(fake: FakeBotApi, database_url: str, clock: ManualClock) -> AsyncIterator[Served]:
    async with running_service(fake, database_url, clock, webhook=True) as served:
        yield served


def message_with(**fields: Any) -> Callable[[Update], bytes]:
    def build(update: Update) -> bytes:
        update["message"].update(fields)
        return json.dumps(update).encode()

    return build


def chat_id(value: int) -> Callable[[Update], bytes]:
    def build(update: Update) -> bytes:
        update["message"]["chat"]["id"] = value
        return json.dumps(update).encode()

    return build


def raw_date(text: str) -> Callable[[Update], bytes]:
    """The date written as raw JSON text, for what json.dumps would never write."""

    def build(update: Update) -> bytes:
        update["message"]["date"] = "DATE"
        return json.dumps(update).encode().replace(b'"DATE"', text.encode())

    return build


def update_id(text: str) -> Callable[[Update], bytes]:
    def build(update: Update) -> bytes:
        return json.dumps({**update, "update_id": "ID"}).encode().replace(b'"ID"', text.encode())

    return build


def nested(depth: int) -> Callable[[Update], bytes]:
    def build(update: Update) -> bytes:
        return json.dumps(update).encode()[:-1] + b', "x": ' + b"[" * depth + b"]" * depth + b"}"

    return build


def text_bytes(raw: bytes) -> Callable[[Update], bytes]:
    def build(update: Update) -> bytes:
        update["message"]["text"] = "TEXT"
        return json.dumps(update).encode().replace(b'"TEXT"', b'"' + raw + b'"')

    return build


def utf16(update: Update) -> bytes:
    return json.dumps(update).encode("utf-16")


MALFORMED = {
    "nested past the parser's stack": nested(100_000),
    "nested deeper than any update": nested(40),
    "update_id past 2**53": update_id(str(10**30)),
    "update_id negative": update_id("-1"),
    "update_id a fraction": update_id("1.5"),
    "update_id of 5,000 digits": update_id("9" * 5000),
    "date past the year 9999": message_with(date=10**15),
    "date past 2**53": message_with(date=10**30),
    "date a fraction": message_with(date=1700000000.5),
    "date NaN": raw_date("NaN"),
    "date Infinity": raw_date("-Infinity"),
    "date 1e400": raw_date("1e400"),
    "chat id past 2**64": chat_id(2**64),
    "invalid UTF-8 in the text": text_bytes(b"\xc3\x28"),
    "an unpaired surrogate in the text": text_bytes(b"\\ud800"),
    "UTF-16 instead of UTF-8": utf16,
}


async def subscribers(served: Served) -> int:
    async with served.sessions() as session:
        return int(
            (await session.execute(select(func.count()).select_from(Subscriber))).scalar_one()
        )


@pytest.mark.parametrize("make", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_update_is_400_without_an_error_and_nothing_is_handled(
    hooked: Served,
    fake: FakeBotApi,
    caplog: pytest.LogCaptureFixture,
    make: Callable[[Update], bytes],
) -> None:
    caplog.set_level(logging.WARNING)
    ada = fake.user(7)
    assert await fake.post_to_webhook(make(ada.draft_command("/start"))) == 400
    assert errors_or_tracebacks(caplog.records) == []
    assert any("not a Telegram update" in record.getMessage() for record in caplog.records)
    assert ada.inbox() == []
    assert await subscribers(hooked) == 0
    # The server is unharmed: the same user's real update is answered next.
    assert await fake.post_to_webhook(ada.draft_command("/start")) == 200
    assert await subscribers(hooked) == 1


async def test_the_fractions_telegram_does_send_are_accepted(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    update = ada.draft_command("/start")
    update["message"]["location"] = {"latitude": 52.52, "longitude": 13.405}
    assert await fake.post_to_webhook(update) == 200
    assert await subscribers(hooked) == 1


async def test_an_emoji_written_as_an_escaped_surrogate_pair_is_accepted(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    body = text_bytes(b"/start \\ud83d\\ude00")(ada.draft_command("/start"))
    assert await fake.post_to_webhook(body) == 200
    assert await subscribers(hooked) == 1
