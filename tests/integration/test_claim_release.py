"""After a crash the claims never handed to the transport are sent again; the others are not."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db.models import Delivery, Subscriber
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.sources.tips import TipSource
from nudgebot.domain.deliveries import ClaimCounts
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.services.subscriptions import SubscriptionService

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def engine_for(
    sessions: async_sessionmaker[AsyncSession], content: Content, clock: ManualClock
) -> DeliveryEngine:
    # Never initialized: these tests claim and record, they send nothing.
    options = EngineOptions(lease=LEASE)
    return DeliveryEngine(
        sessions,
        Bot("123:abc", base_url="http://127.0.0.1:9/bot"),
        clock,
        options,
        [TipSource(content, options)],
    )


async def subscribe(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, *chats: int
) -> None:
    service = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    for chat in chats:
        await service.start(chat, user_id=chat, language_code="en")


async def status_by_chat(sessions: async_sessionmaker[AsyncSession]) -> dict[int, str]:
    async with sessions() as session:
        rows = await session.execute(
            select(Subscriber.chat_id, Delivery.status).join(
                Delivery, Delivery.subscriber_id == Subscriber.id
            )
        )
        return {int(chat): str(status) for chat, status in rows.all()}


async def test_a_crash_makes_unknown_only_the_claims_handed_to_the_transport(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1, 2, 3, 4, 5)
    clock.set(NINE)
    crashed = engine_for(sessions, content, clock)
    claims = await crashed.claim(ClaimCounts(), 5, first=True, attempt=1)
    await crashed.record([], claims[1:2])  # a second send handed over; then kill -9
    handed = {claims[0].chat_id, claims[1].chat_id}

    clock.advance(LEASE + timedelta(seconds=1))
    counts = ClaimCounts()
    again = await engine_for(sessions, content, clock).claim(counts, 10, first=True)

    assert (counts.stale_unknown, counts.released) == (2, 3)
    assert {claim.chat_id for claim in again} == {1, 2, 3, 4, 5} - handed
    assert {claim.delivery_id for claim in again} <= {claim.delivery_id for claim in claims}
    statuses = await status_by_chat(sessions)
    assert {chat for chat, status in statuses.items() if status == DeliveryStatus.UNKNOWN} == (
        handed
    )


async def test_claims_still_within_their_lease_are_left_alone(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1, 2)
    clock.set(NINE)
    await engine_for(sessions, content, clock).claim(ClaimCounts(), 2, first=True)
    clock.advance(LEASE - timedelta(seconds=1))
    counts = ClaimCounts()
    assert await engine_for(sessions, content, clock).claim(counts, 10, first=True) == []
    assert (counts.stale_unknown, counts.released) == (0, 0)
