"""Telegram misbehaving while tips go out: every outcome accounted for, nothing sent twice."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fakebotapi import FakeBotApi, FakeUser
from nudgebot.clock import ManualClock
from nudgebot.db.models import Delivery
from tests.e2e.harness import Bot, running_bot
from tests.e2e.test_subscriber_journey import subscribe

DUE = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 07:30 in Berlin
# These tests read the report of the one tick they run, so the periodic tick must not claim the
# work first: it runs once at start-up (nothing is due yet), then not again within a test.
ONLY_THE_TESTS_TICK = 3600.0


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str, clock: ManualClock) -> AsyncIterator[Bot]:
    async with running_bot(
        fake, database_url, clock, send_timeout=1.0, tick_seconds=ONLY_THE_TESTS_TICK
    ) as running:
        yield running


def tips_in(user: FakeUser) -> int:
    return sum(1 for m in user.inbox() if m.buttons and m.buttons[0][1].startswith("ci:"))


async def delivery_status(bot: Bot) -> str:
    async with bot.sessions() as session:
        return (await session.execute(select(Delivery.status))).scalar_one()


async def test_a_429_halts_sends_then_the_tip_goes_out_once(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.fake.fail_next(
        "sendMessage",
        status=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        chat_id=ada.chat_id,
    )
    bot.clock.set(DUE)
    report = await bot.deliver_now()
    assert report.sent == 1
    assert tips_in(ada) == 1
    assert len([c for c in bot.fake.calls_to("sendMessage") if c.status == 429]) == 1


async def test_a_server_error_is_retried_later_and_delivered_once(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.fake.fail_next(
        "sendMessage", status=500, description="Internal Server Error", chat_id=ada.chat_id
    )
    bot.clock.set(DUE)
    assert (await bot.deliver_now()).retry == 1
    assert await delivery_status(bot) == "retry"
    bot.clock.advance(timedelta(minutes=2))
    assert (await bot.deliver_now()).sent == 1
    assert tips_in(ada) == 1
    assert await delivery_status(bot) == "sent"


async def test_a_retry_beyond_the_catch_up_window_expires(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.fake.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=ada.chat_id)
    bot.clock.set(DUE)
    await bot.deliver_now()
    bot.clock.advance(timedelta(hours=4))
    report = await bot.deliver_now()
    assert report.expired == 1
    assert tips_in(ada) == 0
    assert await delivery_status(bot) == "expired"


async def test_a_timeout_after_the_request_arrived_is_unknown_and_never_resent(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.fake.delay_response_next("sendMessage", 3.0, chat_id=ada.chat_id)
    bot.clock.set(DUE)
    report = await bot.deliver_now()
    assert report.unknown == 1
    assert await delivery_status(bot) == "unknown"
    bot.clock.advance(timedelta(hours=1))
    await bot.deliver_now()
    assert tips_in(ada) == 1  # the fake did deliver it once; the bot never sent it again


async def test_chat_not_found_marks_the_subscriber_gone(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.fake.fail_next(
        "sendMessage", status=400, description="Bad Request: chat not found", chat_id=ada.chat_id
    )
    bot.clock.set(DUE)
    assert (await bot.deliver_now()).gone == 1
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert row.status == "gone"


async def test_after_downtime_a_tip_within_the_catch_up_window_still_goes_out_once(
    bot: Bot,
) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada, zone="UTC", time="09:00")
    bot.clock.set(datetime(2026, 3, 2, 10, 30, tzinfo=UTC))  # down from 08:55 to 10:30
    assert (await bot.deliver_now()).sent == 1
    await bot.deliver_now()
    assert tips_in(ada) == 1


async def test_after_downtime_beyond_the_window_the_day_is_skipped_and_counted(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada, zone="UTC", time="09:00")
    bot.clock.set(datetime(2026, 3, 2, 12, 30, tzinfo=UTC))
    report = await bot.deliver_now()
    assert (report.sent, report.expired) == (0, 1)
    bot.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert (await bot.deliver_now()).sent == 1
    assert tips_in(ada) == 1


async def test_a_failing_reply_never_crashes_the_bot(bot: Bot) -> None:
    ada = bot.fake.user(1)
    bot.fake.fail_next(
        "sendMessage", status=500, description="Internal Server Error", chat_id=ada.chat_id
    )
    ada.send_command("/help")
    answer = await bot.say(ada, "/help", expect="/progress")
    assert "/progress" in answer


async def test_the_token_never_appears_in_logs(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.fake.delay_response_next("sendMessage", 3.0, chat_id=ada.chat_id)
    bot.clock.set(DUE)
    await bot.deliver_now()
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert caplog.records
    assert bot.fake.token not in text
    assert bot.fake.token.split(":")[1] not in text
