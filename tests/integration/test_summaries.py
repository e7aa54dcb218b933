"""Weekly summary claims: one per subscriber-week, restart-safe, within catch-up, bounded cost."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.db.models import Delivery, Subscriber
from nudgebot.db.summaries import claim_summaries
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest
from nudgebot.domain.summary_request import SummaryRequest
from nudgebot.services.subscriptions import SubscriptionService
from nudgebot.services.summary_settings import SummaryService
from tests.integration.test_ledger import count_statements, subscribe

CATCH_UP = timedelta(hours=3)
# The clock fixture starts on Monday 2 March 2026; subscribers here live in UTC.
SUNDAY_SIX_PM = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    limit: int = 100,
    counts: ClaimCounts | None = None,
) -> list[Claim]:
    async with sessions.begin() as session:
        return await claim_summaries(
            session, ClaimRequest(now, limit, "test", counts or ClaimCounts()), catch_up=CATCH_UP
        )


async def summary_rows(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[date, str]]:
    async with sessions() as session:
        result = await session.execute(
            select(Delivery.local_date, Delivery.status)
            .where(Delivery.kind == "summary")
            .order_by(Delivery.id)
        )
        return [(day, status) for day, status in result.all()]


async def test_a_new_subscriber_gets_the_summary_on_sunday_at_six_pm(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    assert await claim(sessions, SUNDAY_SIX_PM - timedelta(seconds=1)) == []
    [job] = await claim(sessions, SUNDAY_SIX_PM)
    assert (job.kind, job.chat_id, job.local_date) == ("summary", 1, date(2026, 3, 8))


async def test_a_summary_is_claimed_once_per_week(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    assert len(await claim(sessions, SUNDAY_SIX_PM)) == 1
    assert await claim(sessions, SUNDAY_SIX_PM + timedelta(hours=1)) == []
    assert await claim(sessions, SUNDAY_SIX_PM + WEEK - timedelta(minutes=1)) == []
    assert len(await claim(sessions, SUNDAY_SIX_PM + WEEK)) == 1
    assert await summary_rows(sessions) == [
        (date(2026, 3, 8), "claimed"),
        (date(2026, 3, 15), "claimed"),
    ]


async def test_a_stale_schedule_after_a_restart_cannot_claim_the_same_week_again(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    await claim(sessions, SUNDAY_SIX_PM)
    # A process that crashed before its advance was seen: the subscriber row looks due again.
    async with sessions.begin() as session:
        await session.execute(
            update(Subscriber).values(
                next_summary_at=SUNDAY_SIX_PM, next_summary_date=date(2026, 3, 8)
            )
        )
    assert await claim(sessions, SUNDAY_SIX_PM + timedelta(minutes=1)) == []
    assert len(await summary_rows(sessions)) == 1
    async with sessions() as session:
        row = (await session.execute(select(Subscriber))).scalar_one()
    assert row.next_summary_date == date(2026, 3, 15)


async def test_a_late_summary_within_catch_up_still_goes_out(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    assert len(await claim(sessions, SUNDAY_SIX_PM + CATCH_UP - timedelta(minutes=1))) == 1


async def test_a_summary_missed_beyond_catch_up_expires_counted_and_moves_on(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    counts = ClaimCounts()
    assert await claim(sessions, SUNDAY_SIX_PM + timedelta(hours=5), counts=counts) == []
    assert counts.expired == 1
    assert await summary_rows(sessions) == [(date(2026, 3, 8), "expired")]
    assert len(await claim(sessions, SUNDAY_SIX_PM + WEEK)) == 1


async def test_summary_off_claims_nothing_and_on_resumes(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    service = SummaryService(sessions, clock)
    view = await service.apply(1, SummaryRequest(enabled=False))
    assert (view.enabled, view.next_at) == (False, None)
    assert await claim(sessions, SUNDAY_SIX_PM) == []
    view = await service.apply(1, SummaryRequest(enabled=True))
    assert view.next_at == SUNDAY_SIX_PM  # the coming Sunday, seen from Monday
    assert len(await claim(sessions, SUNDAY_SIX_PM)) == 1


async def test_a_chosen_day_and_time_move_the_summary(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    view = await SummaryService(sessions, clock).apply(
        1, SummaryRequest(enabled=True, weekday=4, at=time(7, 30))
    )
    assert view.next_at == datetime(2026, 3, 6, 7, 30, tzinfo=UTC)  # Friday


async def test_stopped_and_paused_subscribers_get_no_summary(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1, 2)
    service = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    await service.stop(1)
    await service.pause(2, None)
    assert await claim(sessions, SUNDAY_SIX_PM) == []
    async with sessions() as session:
        paused = (
            await session.execute(select(Subscriber).where(Subscriber.chat_id == 2))
        ).scalar_one()
    assert paused.next_summary_date == date(2026, 3, 15)  # skipped this week, not owed


async def test_concurrent_claimers_never_claim_the_same_subscriber_week(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, *range(1, 31))
    batches = await asyncio.gather(*(claim(sessions, SUNDAY_SIX_PM, limit=7) for _ in range(8)))
    claimed = [job.chat_id for batch in batches for job in batch]
    assert len(claimed) == len(set(claimed))
    assert len(await summary_rows(sessions)) == len(claimed)


@pytest.mark.parametrize("batch", [5, 50])
async def test_claiming_summaries_costs_the_same_statements_whatever_the_batch_size(
    database: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    batch: int,
) -> None:
    await subscribe(sessions, clock, *range(1, batch + 1))
    with count_statements(database) as statements:
        jobs = await claim(sessions, SUNDAY_SIX_PM, limit=batch)
    assert len(jobs) == batch
    queries = [
        s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "PRAGMA"))
    ]
    # select due, insert claims, update subscribers: no query per row.
    assert len(queries) <= 3, queries
