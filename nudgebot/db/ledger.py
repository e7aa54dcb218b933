"""The delivery ledger: what every tick probes, retries, and records, whatever the source."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from nudgebot.db.models import Base, Delivery, Subscriber, split_seen
from nudgebot.domain.deliveries import Claim, ClaimRequest, SendResult
from nudgebot.domain.settlement import Fate, StaleClaim, Testimony, verdict
from nudgebot.domain.statuses import DeliveryKind, DeliveryStatus

# Where a write pass's Core statements run: a session's transaction, or a connection's.
Executor = AsyncSession | AsyncConnection

# A moment: a datetime, or a bound parameter standing for one in a statement built once.
Moment = datetime | ColumnElement[datetime]

# Each condition is shared by the claim that acts on it and by `due`, the idle tick's probe,
# so the probe can never disagree with what a claim would find.


def _retry_due(now: Moment, kinds: Sequence[str]) -> ColumnElement[bool]:
    return and_(
        Delivery.status == DeliveryStatus.RETRY,
        Delivery.next_attempt_at <= now,
        Delivery.kind.in_(kinds),
    )


def _stale_claim(claimed_before: Moment) -> ColumnElement[bool]:
    return and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_at < claimed_before)


def due(now: Moment, claimed_before: Moment, kinds: Sequence[str]) -> ColumnElement[bool]:
    """True when the ledger itself has work: a retry due, or a claim older than
    `claimed_before` (its lease ran out). Each source probes its own due messages."""
    return or_(
        exists().where(_retry_due(now, kinds)),
        exists().where(_stale_claim(claimed_before)),
    )


RELEASED = "released: claimed but never sent (process stopped?)"
UNSENT = "released: answered as not delivered, unrecorded (process stopped?)"
LEASE_EXPIRED = "claim lease expired (process stopped?)"

# What a process left behind about its claims (its send journal), by claimer.
Witness = Callable[[Sequence[StaleClaim]], Mapping[str, Testimony]]


class Settled(NamedTuple):
    """What settling the stale claims did: how many turned 'unknown', were released to be sent
    again, or were recorded 'sent' from the dead process's journal."""

    unknown: int
    released: int
    recovered: int = 0


async def settle_stale_claims(
    session: AsyncSession, now: datetime, lease: timedelta, witness: Witness | None = None
) -> Settled:
    """Claims older than the lease belong to a process that died: each gets its fate.

    One never handed to the transport surely was not sent: due again at once, as a retry. One
    handed over may have been sent: 'unknown', never resent, unless `witness` (the journal
    the process wrote as it sent) tells it was never handed over, answered as not delivered
    (both due again), or answered as delivered ('sent').
    """
    stale = _stale_claim(now - lease)
    rows = (
        await session.execute(
            select(Delivery.id, Delivery.claimed_by, Delivery.attempted_at.is_not(None))
            .where(stale)
            .with_for_update(skip_locked=True)
        )
    ).all()
    claims = [StaleClaim(id_, claimer or "", bool(marked)) for id_, claimer, marked in rows]
    if not claims:
        return Settled(0, 0)
    testimonies = witness(claims) if witness is not None else {}
    fates: dict[Fate, list[int]] = {fate: [] for fate in Fate}
    sent: list[dict[str, object]] = []
    for claim in claims:
        judged = verdict(claim, testimonies.get(claim.claimed_by))
        fates[judged.fate].append(claim.delivery_id)
        if judged.fate == Fate.SENT:
            sent.append({"delivery_id": claim.delivery_id, "message_id": judged.message_id})
    changes: dict[Fate, dict[str, object]] = {
        Fate.RELEASED: {
            "status": DeliveryStatus.RETRY,
            "next_attempt_at": now,
            "attempts": Delivery.attempts - 1,  # the claim counted an attempt never made
            "error": RELEASED,
        },
        Fate.UNSENT: {"status": DeliveryStatus.RETRY, "next_attempt_at": now, "error": UNSENT},
        Fate.UNKNOWN: {"status": DeliveryStatus.UNKNOWN, "error": LEASE_EXPIRED},
    }
    for fate, values in changes.items():
        if fates[fate]:
            await session.execute(
                update(Delivery).where(Delivery.id.in_(fates[fate]), stale).values(values)
            )
    if sent:
        table = Base.metadata.tables[Delivery.__tablename__]
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("delivery_id"), table.c.status == DeliveryStatus.CLAIMED)
            .values(status=DeliveryStatus.SENT, sent_at=now, error=None, next_attempt_at=None),
            sent,
        )
    released = len(fates[Fate.RELEASED]) + len(fates[Fate.UNSENT])
    return Settled(len(fates[Fate.UNKNOWN]), released, len(sent))


async def claimers_with_claims(session: AsyncSession, claimers: Sequence[str]) -> set[str]:
    """Which of these processes still have claims in the ledger."""
    if not claimers:
        return set()
    rows = await session.execute(
        select(Delivery.claimed_by)
        .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_by.in_(claimers))
        .distinct()
    )
    return {claimer for (claimer,) in rows.all() if claimer is not None}


async def mark_attempted(executor: Executor, delivery_ids: Sequence[int], now: datetime) -> None:
    """Record that these claims are about to be handed to the transport (commit before sending)."""
    if delivery_ids:
        await executor.execute(
            update(Delivery).where(Delivery.id.in_(delivery_ids)).values(attempted_at=now)
        )


async def claim_retries(
    session: AsyncSession,
    request: ClaimRequest,
    *,
    catch_up: timedelta,
    kinds: Sequence[str] = (DeliveryKind.TIP,),
) -> list[Claim]:
    """Deliveries of these kinds that surely were not sent and whose retry time has come."""
    now, counts = request.now, request.counts
    rows = (
        await session.execute(
            select(Delivery, Subscriber.chat_id, Subscriber.language, Subscriber.language_code)
            .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
            .where(_retry_due(now, kinds))
            .order_by(Delivery.next_attempt_at)
            .limit(request.limit)
            .with_for_update(skip_locked=True, of=Delivery)
        )
    ).all()
    claims: list[Claim] = []
    for delivery, chat_id, language, language_code in rows:
        if now - delivery.due_at > catch_up:
            delivery.status = DeliveryStatus.EXPIRED
            delivery.next_attempt_at = None
            counts.expired += 1
            if delivery.kind == DeliveryKind.TIP:
                await _unsee(session, delivery.subscriber_id, delivery.tip_id)
            continue
        delivery.status = DeliveryStatus.CLAIMED
        delivery.claimed_at = now
        delivery.claimed_by = request.claimed_by
        delivery.attempted_at = None
        delivery.attempts += 1
        claims.append(
            Claim(
                delivery_id=delivery.id,
                subscriber_id=delivery.subscriber_id,
                chat_id=chat_id,
                tip_id=delivery.tip_id or "",
                local_date=delivery.local_date,
                attempts=delivery.attempts,
                kind=delivery.kind,
                ref=delivery.ref,
                language=language or language_code,
            )
        )
    return claims


async def record_results(executor: Executor, results: Sequence[SendResult], now: datetime) -> None:
    """Write every result of a batch in the caller's one transaction."""
    if not results:
        return
    # A Core UPDATE ... WHERE id = :delivery_id per result, not the ORM's bulk update by
    # primary key: that one raises when a row is gone, and a subscriber who used /forget while
    # their tip was in flight has no rows left. Their result is simply dropped.
    table = Base.metadata.tables[Delivery.__tablename__]
    await executor.execute(
        update(table).where(table.c.id == bindparam("delivery_id")),
        [
            {
                "delivery_id": result.claim.delivery_id,
                "status": result.status,
                "message_id": result.message_id,
                "sent_at": now if result.status == DeliveryStatus.SENT else None,
                "error": result.error[:200] if result.error else None,
                "next_attempt_at": result.retry_at,
                "chat_id": result.new_chat_id or result.claim.chat_id,
            }
            for result in results
        ],
    )
    for result in results:
        if result.claim.kind == DeliveryKind.TIP and result.status in (
            DeliveryStatus.FAILED,
            DeliveryStatus.EXPIRED,
        ):
            await _unsee(executor, result.claim.subscriber_id, result.claim.tip_id)
        if result.subscriber_status is not None:
            await executor.execute(
                update(Subscriber)
                .where(Subscriber.id == result.claim.subscriber_id)
                .values(
                    status=result.subscriber_status,
                    next_due_at=None,
                    next_local_date=None,
                    updated_at=now,
                )
            )
        if result.new_chat_id is not None:
            await executor.execute(
                update(Subscriber)
                .where(Subscriber.id == result.claim.subscriber_id)
                .values(chat_id=result.new_chat_id, updated_at=now)
            )


async def _unsee(executor: Executor, subscriber_id: int, tip_id: str | None) -> None:
    # A tip that never arrived goes back into the cycle, so no habit is skipped for good.
    mine = Subscriber.id == subscriber_id
    seen = await executor.scalar(select(Subscriber.cycle_seen).where(mine).with_for_update())
    if seen is not None:
        kept = ",".join(t for t in split_seen(seen) if t != tip_id)
        await executor.execute(update(Subscriber).where(mine).values(cycle_seen=kept))
