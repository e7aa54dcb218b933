"""Broadcast queries: record an announcement with its recipients, claim them, count outcomes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Date, String, and_, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import Broadcast, Delivery, Subscriber
from nudgebot.db.queries import insert_or_ignore
from nudgebot.db.types import UTCDateTime
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.statuses import DeliveryKind, DeliveryStatus, SubscriberStatus

NOT_ACTIVE = "subscriber no longer active"


def pending_due() -> ColumnElement[bool]:
    """Recipients still waiting for their copy: shared by the claim and the idle tick's probe."""
    return and_(Delivery.status == DeliveryStatus.PENDING, Delivery.kind == DeliveryKind.BROADCAST)


async def by_digest(session: AsyncSession, digest: str) -> Broadcast | None:
    result = await session.execute(select(Broadcast).where(Broadcast.digest == digest))
    return result.scalar_one_or_none()


async def record(session: AsyncSession, digest: str, text: str, now: datetime) -> int | None:
    """Insert the broadcast and one 'pending' ledger row per active subscriber, in the caller's
    transaction; None when a broadcast with this digest already exists (nothing is added)."""
    broadcast_id = (
        await session.execute(
            insert_or_ignore(session, Broadcast)
            .values(digest=digest, text=text, recipients=0, created_at=now)
            .returning(Broadcast.id)
        )
    ).scalar_one_or_none()
    if broadcast_id is None:
        return None
    # One statement, however many subscribers: the recipients are fixed at this instant.
    recipients = select(
        Subscriber.id,
        literal(DeliveryKind.BROADCAST.value, String),
        literal(now.date(), Date),
        literal(str(broadcast_id), String),
        literal(DeliveryStatus.PENDING.value, String),
        literal(now, UTCDateTime),
        literal(now, UTCDateTime),
        # Pending rows keep the recording time here, so the claim walks the pending index in
        # recording order instead of sorting every waiting recipient.
        literal(now, UTCDateTime),
        literal(0),
        Subscriber.chat_id,
    ).where(Subscriber.status == SubscriberStatus.ACTIVE)
    await session.execute(
        insert(Delivery).from_select(
            [
                "subscriber_id",
                "kind",
                "local_date",
                "ref",
                "status",
                "due_at",
                "claimed_at",
                "next_attempt_at",
                "attempts",
                "chat_id",
            ],
            recipients,
        )
    )
    count = await session.scalar(
        select(func.count()).where(
            Delivery.kind == DeliveryKind.BROADCAST, Delivery.ref == str(broadcast_id)
        )
    )
    broadcast = await session.get_one(Broadcast, broadcast_id)
    broadcast.recipients = int(count or 0)
    return broadcast_id


async def claim_pending(session: AsyncSession, request: ClaimRequest) -> list[Claim]:
    """Claim up to `limit` recipients still waiting: the 'pending' -> 'claimed' update is the
    claim, committed before anything is sent, so a recipient is claimed once at most.

    Who stopped, paused or blocked the bot since the broadcast was recorded is skipped
    (counted as expired): they chose not to hear from it now.
    """
    now = request.now
    rows = (
        await session.execute(
            select(Delivery, Subscriber.chat_id, Subscriber.status)
            .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
            .where(pending_due())
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(request.limit)
            .with_for_update(skip_locked=True, of=Delivery)
        )
    ).all()
    claims: list[Claim] = []
    for delivery, chat_id, status in rows:
        delivery.next_attempt_at = None
        if status != SubscriberStatus.ACTIVE:
            delivery.status = DeliveryStatus.EXPIRED
            delivery.error = NOT_ACTIVE
            request.counts.expired += 1
            continue
        delivery.status = DeliveryStatus.CLAIMED
        # A retry's catch-up window counts from the first attempt, not from the recording.
        delivery.due_at = now
        delivery.claimed_at = now
        delivery.claimed_by = request.claimed_by
        delivery.attempts = 1
        delivery.chat_id = chat_id
        claims.append(
            Claim(
                delivery_id=delivery.id,
                subscriber_id=delivery.subscriber_id,
                chat_id=chat_id,
                tip_id="",
                local_date=delivery.local_date,
                attempts=1,
                kind=DeliveryKind.BROADCAST,
                ref=delivery.ref,
            )
        )
    return claims


async def texts(session: AsyncSession, ids: set[int]) -> dict[str, str]:
    """The text of each broadcast, keyed by the ledger's ref."""
    rows = await session.execute(select(Broadcast.id, Broadcast.text).where(Broadcast.id.in_(ids)))
    return {str(broadcast_id): text for broadcast_id, text in rows.all()}


async def outcome_counts(session: AsyncSession, broadcast_id: int) -> dict[tuple[str, str], int]:
    """How many recipients are in each (ledger status, subscriber status) pair."""
    rows = await session.execute(
        select(Delivery.status, Subscriber.status, func.count())
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(Delivery.kind == DeliveryKind.BROADCAST, Delivery.ref == str(broadcast_id))
        .group_by(Delivery.status, Subscriber.status)
    )
    return {(delivery, subscriber): count for delivery, subscriber, count in rows.all()}


async def next_retry_at(session: AsyncSession, broadcast_id: int) -> datetime | None:
    """When the earliest recipient waiting for a retry may be tried again."""
    return await session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(
            Delivery.kind == DeliveryKind.BROADCAST,
            Delivery.ref == str(broadcast_id),
            Delivery.status.in_((DeliveryStatus.RETRY, DeliveryStatus.PENDING)),
        )
    )
