"""Broadcasts in the ledger: one row per subscriber per broadcast, each claimed at most once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.db import broadcasts, ledger
from nudgebot.db.models import Delivery, Subscriber
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest
from nudgebot.domain.statuses import DeliveryKind, DeliveryStatus
from nudgebot.services.broadcasts import BroadcastService
from nudgebot.services.subscriptions import SubscriptionService
from tests.integration.test_ledger import subscribe


async def claim_all(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    counts: ClaimCounts | None = None,
) -> list[Claim]:
    async with sessions.begin() as session:
        return await broadcasts.claim_pending(
            session, ClaimRequest(clock.now(), 1000, "test", counts or ClaimCounts())
        )


async def broadcast_rows(sessions: async_sessionmaker[AsyncSession]) -> list[Delivery]:
    async with sessions() as session:
        result = await session.execute(
            select(Delivery).where(Delivery.kind == DeliveryKind.BROADCAST).order_by(Delivery.id)
        )
        return list(result.scalars())


async def test_recording_writes_one_pending_row_per_active_subscriber_only(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1, 2, 3, 4)
    subscriptions = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=clock.now().time()
    )
    await subscriptions.pause(2, None)
    await subscriptions.stop(3)
    recorded = await BroadcastService(sessions, clock).record("Hello <b>all</b>")
    rows = await broadcast_rows(sessions)
    assert recorded.recipients == 2
    assert sorted(row.chat_id or 0 for row in rows) == [1, 4]
    assert {row.status for row in rows} == {DeliveryStatus.PENDING}
    assert {row.ref for row in rows} == {str(recorded.id)}


async def test_the_same_text_recorded_twice_is_one_broadcast_with_the_same_rows(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1, 2)
    service = BroadcastService(sessions, clock)
    first = await service.record("News")
    await subscribe(sessions, clock, 3)  # joined later: old broadcasts are not theirs
    again = await service.record("News")
    assert (again.id, again.new, first.new) == (first.id, False, True)
    assert len(await broadcast_rows(sessions)) == 2


async def test_two_broadcasts_on_one_day_each_get_a_row_per_subscriber(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1, 2)
    service = BroadcastService(sessions, clock)
    await service.record("Morning news")
    await service.record("Evening news")
    jobs = await claim_all(sessions, clock)
    assert Counter(job.subscriber_id for job in jobs) == Counter({1: 2, 2: 2})
    assert len({job.ref for job in jobs}) == 2


async def test_a_second_row_for_the_same_subscriber_and_broadcast_is_refused(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1)
    await BroadcastService(sessions, clock).record("Once")
    (row,) = await broadcast_rows(sessions)
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(
                Delivery(
                    subscriber_id=row.subscriber_id,
                    kind=row.kind,
                    local_date=row.local_date,
                    ref=row.ref,
                    status=DeliveryStatus.PENDING,
                    due_at=row.due_at,
                    claimed_at=row.claimed_at,
                    attempts=0,
                )
            )


async def test_each_recipient_is_claimed_once_however_often_claims_run(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1, 2, 3)
    await BroadcastService(sessions, clock).record("Hi")
    first = await claim_all(sessions, clock)
    second = await claim_all(sessions, clock)
    assert sorted(job.chat_id for job in first) == [1, 2, 3]
    assert second == []
    assert {row.status for row in await broadcast_rows(sessions)} == {DeliveryStatus.CLAIMED}


async def test_claims_come_in_batches_of_the_limit(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, *range(1, 6))
    await BroadcastService(sessions, clock).record("Hi")
    async with sessions.begin() as session:
        batch = await broadcasts.claim_pending(
            session, ClaimRequest(clock.now(), 2, "test", ClaimCounts())
        )
    assert len(batch) == 2
    assert len(await claim_all(sessions, clock)) == 3


async def test_who_stopped_after_the_recording_is_skipped_not_sent(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1, 2)
    service = BroadcastService(sessions, clock)
    recorded = await service.record("Hi")
    async with sessions.begin() as session:
        await session.execute(
            update(Subscriber).where(Subscriber.chat_id == 2).values(status="stopped")
        )
    counts = ClaimCounts()
    jobs = await claim_all(sessions, clock, counts)
    assert [job.chat_id for job in jobs] == [1]
    assert counts.expired == 1
    tally = await service.tally(recorded)
    assert (tally.skipped, tally.in_flight, tally.waiting) == (1, 1, 0)


async def test_a_claim_left_by_a_dead_process_turns_unknown_and_is_never_claimed_again(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await subscribe(sessions, clock, 1, 2)
    service = BroadcastService(sessions, clock)
    recorded = await service.record("Hi")
    claims = await claim_all(sessions, clock)
    async with sessions.begin() as session:  # handed to the transport ...
        await ledger.mark_attempted(session, [claim.delivery_id for claim in claims], clock.now())
    clock.advance(timedelta(minutes=11))  # ... and the process dies before recording anything
    async with sessions.begin() as session:
        stale = await ledger.settle_stale_claims(session, clock.now(), timedelta(minutes=10))
    assert stale == ledger.Settled(2, 0)
    assert await claim_all(sessions, clock) == []
    tally = await service.tally(recorded)
    assert (tally.unknown, tally.in_flight, tally.waiting) == (2, 0, 0)
