"""The delivery ledger: claims are unique per subscriber-day, batched, and survive crashes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db import ledger, tips
from nudgebot.db.models import Delivery, Subscriber
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest, SendResult
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.services.subscriptions import SubscriptionService

CATCH_UP = timedelta(hours=3)


async def subscribe(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, *chats: int
) -> None:
    service = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    for chat in chats:
        await service.start(chat, user_id=chat, language_code="en")


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    content: Content,
    *,
    limit: int = 100,
    counts: ClaimCounts | None = None,
) -> list[Claim]:
    async with sessions.begin() as session:
        return await tips.claim_due(
            session,
            ClaimRequest(now, limit, "test", counts or ClaimCounts()),
            tip_order=content.tip_ids,
            catch_up=CATCH_UP,
        )


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(
            (await session.execute(select(Delivery.status).order_by(Delivery.id))).scalars()
        )


NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_nothing_is_claimed_before_the_send_time(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    assert await claim(sessions, NINE - timedelta(seconds=1), content) == []


async def test_a_due_subscriber_is_claimed_once_with_the_first_tip(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    jobs = await claim(sessions, NINE, content)
    assert [(job.chat_id, job.tip_id, job.local_date) for job in jobs] == [
        (1, content.tip_ids[0], date(2026, 3, 2))
    ]
    assert await claim(sessions, NINE + timedelta(minutes=5), content) == []


async def test_claiming_advances_to_the_next_local_day(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    await claim(sessions, NINE, content)
    async with sessions() as session:
        row = (await session.execute(select(Subscriber))).scalar_one()
    assert row.next_due_at == NINE + timedelta(days=1)
    assert row.last_delivered_date == date(2026, 3, 2)


async def test_twelve_days_bring_all_twelve_tips_before_any_repeat(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    sent = []
    for day in range(13):
        jobs = await claim(sessions, NINE + timedelta(days=day), content)
        sent += [job.tip_id for job in jobs]
    assert sorted(sent[:12]) == sorted(content.tip_ids)
    assert sent[12] == content.tip_ids[0]


async def test_batches_respect_the_limit_and_take_the_oldest_first(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, *range(1, 11))
    first = await claim(sessions, NINE, content, limit=4)
    rest = await claim(sessions, NINE, content, limit=100)
    assert len(first) == 4
    assert len(rest) == 6
    assert {job.chat_id for job in first + rest} == set(range(1, 11))


async def test_a_tip_later_than_the_catch_up_window_expires_and_moves_on(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    counts = ClaimCounts()
    jobs = await claim(sessions, NINE + CATCH_UP + timedelta(minutes=1), content, counts=counts)
    assert jobs == []
    assert counts.expired == 1
    assert await statuses(sessions) == ["expired"]
    async with sessions() as session:
        row = (await session.execute(select(Subscriber))).scalar_one()
    assert row.next_local_date == date(2026, 3, 3)
    assert row.cycle_seen == ""  # the missed tip was not consumed


async def test_a_tip_within_the_catch_up_window_is_still_sent(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    jobs = await claim(sessions, NINE + CATCH_UP - timedelta(minutes=1), content)
    assert len(jobs) == 1


async def test_recording_outcomes_updates_each_delivery(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1, 2, 3)
    jobs = await claim(sessions, NINE, content)
    outcomes = [
        SendResult(jobs[0], DeliveryStatus.SENT, message_id=77),
        SendResult(jobs[1], DeliveryStatus.UNKNOWN, error="maybe sent"),
        SendResult(jobs[2], DeliveryStatus.RETRY, retry_at=NINE + timedelta(minutes=1)),
    ]
    async with sessions.begin() as session:
        await ledger.record_results(session, outcomes, NINE)
    assert await statuses(sessions) == ["sent", "unknown", "retry"]


async def test_a_retry_is_claimed_again_when_its_time_comes(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    [job] = await claim(sessions, NINE, content)
    async with sessions.begin() as session:
        await ledger.record_results(
            session,
            [SendResult(job, DeliveryStatus.RETRY, retry_at=NINE + timedelta(minutes=1))],
            NINE,
        )
    async with sessions.begin() as session:
        early = await ledger.claim_retries(
            session, ClaimRequest(NINE, 10, "t", ClaimCounts()), catch_up=CATCH_UP
        )
        assert early == []
    async with sessions.begin() as session:
        [again] = await ledger.claim_retries(
            session,
            ClaimRequest(NINE + timedelta(minutes=1), 10, "t", ClaimCounts()),
            catch_up=CATCH_UP,
        )
    assert again.delivery_id == job.delivery_id
    assert again.attempts == 2


async def test_stale_claims_handed_to_the_transport_become_unknown_and_are_never_resent(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    [job] = await claim(sessions, NINE, content)
    async with sessions.begin() as session:
        await ledger.mark_attempted(session, [job.delivery_id], NINE)
    async with sessions.begin() as session:
        assert await ledger.settle_stale_claims(
            session, NINE + timedelta(minutes=1), timedelta(minutes=10)
        ) == ledger.Settled(0, 0)
        assert await ledger.settle_stale_claims(
            session, NINE + timedelta(minutes=11), timedelta(minutes=10)
        ) == ledger.Settled(1, 0)
    assert await statuses(sessions) == ["unknown"]
    assert await claim(sessions, NINE + timedelta(minutes=12), content) == []
    assert await retries(sessions, NINE + timedelta(minutes=12)) == []


async def test_stale_claims_never_handed_to_the_transport_are_released_for_a_resend(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    [job] = await claim(sessions, NINE, content)  # ... and the process dies before sending
    later = NINE + timedelta(minutes=11)
    async with sessions.begin() as session:
        assert await ledger.settle_stale_claims(
            session, later, timedelta(minutes=10)
        ) == ledger.Settled(0, 1)
    assert await statuses(sessions) == ["retry"]
    [again] = await retries(sessions, later)
    assert (again.delivery_id, again.tip_id, again.attempts) == (job.delivery_id, job.tip_id, 1)


async def test_a_released_claim_claimed_again_must_be_marked_again_before_it_counts_as_sent_out(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    [job] = await claim(sessions, NINE, content)
    async with sessions.begin() as session:
        await ledger.record_results(
            session, [SendResult(job, DeliveryStatus.RETRY, retry_at=NINE)], NINE
        )
        await ledger.mark_attempted(session, [job.delivery_id], NINE)  # an earlier attempt
    await retries(sessions, NINE + timedelta(minutes=1))  # claimed again; the process dies
    async with sessions.begin() as session:
        settled = await ledger.settle_stale_claims(
            session, NINE + timedelta(minutes=12), timedelta(minutes=10)
        )
    assert settled == ledger.Settled(0, 1)


async def retries(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Claim]:
    async with sessions.begin() as session:
        return await ledger.claim_retries(
            session, ClaimRequest(now, 10, "t", ClaimCounts()), catch_up=CATCH_UP
        )


async def test_concurrent_claimers_never_claim_the_same_subscriber_day(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, *range(1, 61))
    batches = await asyncio.gather(*(claim(sessions, NINE, content, limit=7) for _ in range(12)))
    claimed = [job.chat_id for batch in batches for job in batch]
    assert len(claimed) == len(set(claimed))
    async with sessions() as session:
        rows = (await session.execute(select(func.count()).select_from(Delivery))).scalar_one()
    assert rows == len(claimed)


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def _record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", _record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", _record)


@pytest.mark.parametrize("batch", [5, 50])
async def test_claim_and_record_cost_the_same_statements_whatever_the_batch_size(
    database: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
    batch: int,
) -> None:
    await subscribe(sessions, clock, *range(1, batch + 1))
    with count_statements(database) as statements:
        jobs = await claim(sessions, NINE, content, limit=batch)
        async with sessions.begin() as session:
            await ledger.record_results(
                session,
                [SendResult(job, DeliveryStatus.SENT, message_id=job.chat_id) for job in jobs],
                NINE,
            )
    assert len(jobs) == batch
    queries = [
        s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "PRAGMA"))
    ]
    # select due, insert claims, update subscribers, update deliveries: no query per row.
    assert len(queries) <= 4, queries
