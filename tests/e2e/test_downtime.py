"""The engine stopped from 08:55 to 10:30 while 09:00 subscribers waited: one tip each, or none."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from tests.e2e.harness import running_bot
from tests.e2e.scale import ledger_by_chat, seed_due_subscribers, tips_received

SUBSCRIBERS = 50
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def run_until(fake: FakeBotApi, url: str, clock: ManualClock, at: datetime) -> None:
    """Start the bot at `at`, deliver what is due, stop it."""
    clock.set(at)
    async with running_bot(fake, url, clock) as bot:
        await bot.deliver_now()
        await bot.engine.wait_idle()
        await bot.deliver_now()


async def test_after_downtime_within_the_catch_up_window_each_gets_exactly_one_tip(
    database_url: str, clock: ManualClock
) -> None:
    chats = await seed_due_subscribers(database_url, SUBSCRIBERS, NINE)
    async with FakeBotApi(accept_any_chat=True) as fake:
        await run_until(fake, database_url, clock, datetime(2026, 3, 2, 8, 55, tzinfo=UTC))
        assert tips_received(fake) == Counter()
        # Down from 08:55; back at 10:30, inside the 3 h catch-up window.
        await run_until(fake, database_url, clock, datetime(2026, 3, 2, 10, 30, tzinfo=UTC))
        await run_until(fake, database_url, clock, datetime(2026, 3, 2, 10, 45, tzinfo=UTC))
        tips = tips_received(fake)
    assert set(tips) == set(chats)
    assert max(tips.values()) == 1


async def test_after_downtime_beyond_the_window_none_is_sent_and_each_is_counted_expired(
    database_url: str, clock: ManualClock
) -> None:
    chats = await seed_due_subscribers(database_url, SUBSCRIBERS, NINE)
    async with FakeBotApi(accept_any_chat=True) as fake:
        await run_until(fake, database_url, clock, datetime(2026, 3, 2, 8, 55, tzinfo=UTC))
        # Back at 12:30: more than 3 h late, so today's tip is skipped, never sent late.
        await run_until(fake, database_url, clock, datetime(2026, 3, 2, 12, 30, tzinfo=UTC))
        assert tips_received(fake) == Counter()
        # Counted: each subscriber's day is in the ledger as expired.
        assert Counter((await ledger_by_chat(database_url)).values()) == {"expired": SUBSCRIBERS}
        # The next day is a normal day again.
        await run_until(fake, database_url, clock, datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        tips = tips_received(fake)
    assert set(tips) == set(chats)
    assert max(tips.values()) == 1
