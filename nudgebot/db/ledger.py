"""The delivery ledger: claims due tips in batches and records what sending them did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import (
    Base,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
)
from nudgebot.db.queries import insert_or_ignore, logged_counts
from nudgebot.db.types import UTCDateTime
from nudgebot.domain.rotation import cycle_complete, pick_next
from nudgebot.domain.schedule import next_due
from nudgebot.services.views import parse_hh_mm


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed message, committed to the ledger before anything is sent.

    `kind` says which source renders it (the daily tip, or another kind of scheduled message);
    `tip_id` is the tip it is about, if any; `ref` what else it refers to (a broadcast's id).
    """

    delivery_id: int
    subscriber_id: int
    chat_id: int
    tip_id: str
    local_date: date
    attempts: int
    kind: str = DeliveryKind.TIP
    focus: tuple[str, ...] = ()  # the subscriber's focus habits, for one-tap buttons
    ref: str = ""
    language: str | None = None  # the subscriber's; the message is rendered in it


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one send attempt did, as the ledger records it."""

    job: Job
    status: DeliveryStatus
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    subscriber_status: SubscriberStatus | None = None  # blocked or gone
    new_chat_id: int | None = None  # the group migrated to a supergroup


@dataclass
class ClaimCounts:
    expired: int = 0
    stale_unknown: int = 0


def split_seen(cycle_seen: str) -> tuple[str, ...]:
    return tuple(part for part in cycle_seen.split(",") if part)


# Each condition is shared by the claim that acts on it and by `due`, the idle tick's probe,
# so the probe can never disagree with what a claim would find.


# A moment: a datetime, or a bound parameter standing for one in a statement built once.
Moment = datetime | ColumnElement[datetime]


def _tip_due(now: Moment) -> ColumnElement[bool]:
    return Subscriber.next_due_at <= now


def _retry_due(now: Moment, kinds: Sequence[str]) -> ColumnElement[bool]:
    return and_(
        Delivery.status == DeliveryStatus.RETRY,
        Delivery.next_attempt_at <= now,
        Delivery.kind.in_(kinds),
    )


def _stale_claim(claimed_before: Moment) -> ColumnElement[bool]:
    return and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_at < claimed_before)


def due(now: Moment, claimed_before: Moment, kinds: Sequence[str]) -> ColumnElement[bool]:
    """True when a tick has work in the ledger: a tip due, a retry due, or a claim older than
    `claimed_before` (its lease ran out)."""
    return or_(
        exists().where(_tip_due(now)),
        exists().where(_retry_due(now, kinds)),
        exists().where(_stale_claim(claimed_before)),
    )


async def mark_stale_claims_unknown(session: AsyncSession, now: datetime, lease: timedelta) -> int:
    """A claim older than the lease belongs to a process that died mid-send: maybe sent."""
    result = await session.execute(
        update(Delivery)
        .where(_stale_claim(now - lease))
        .values(status=DeliveryStatus.UNKNOWN, error="claim lease expired (process stopped?)")
        .returning(Delivery.id)
    )
    return len(result.all())


async def claim_retries(
    session: AsyncSession,
    now: datetime,
    *,
    limit: int,
    catch_up: timedelta,
    claimed_by: str,
    counts: ClaimCounts,
    kinds: Sequence[str] = (DeliveryKind.TIP,),
) -> list[Job]:
    """Deliveries of these kinds that surely were not sent and whose retry time has come."""
    rows = (
        await session.execute(
            select(Delivery, Subscriber.chat_id, Subscriber.language, Subscriber.language_code)
            .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
            .where(_retry_due(now, kinds))
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Delivery)
        )
    ).all()
    jobs: list[Job] = []
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
        delivery.claimed_by = claimed_by
        delivery.attempts += 1
        jobs.append(
            Job(
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
    return jobs


_DUE_COLUMNS = (
    Subscriber.id,
    Subscriber.chat_id,
    Subscriber.status,
    Subscriber.timezone,
    Subscriber.send_time,
    Subscriber.next_due_at,
    Subscriber.next_local_date,
    Subscriber.cycle_seen,
    Subscriber.cycle_number,
    Subscriber.language,
    Subscriber.language_code,
)


_subscribers = cast(Table, Subscriber.__table__)
# One statement for the whole batch, the same SQL every time: compiled once, then cached.
_ADVANCE = (
    update(_subscribers)
    .where(_subscribers.c.id == bindparam("b_id"))
    .values(
        cycle_seen=bindparam("b_seen"),
        cycle_number=_subscribers.c.cycle_number + bindparam("b_opened", type_=Integer()),
        last_delivered_date=func.coalesce(
            bindparam("b_delivered", type_=Date()), _subscribers.c.last_delivered_date
        ),
        next_due_at=bindparam("b_due", type_=UTCDateTime()),
        next_local_date=bindparam("b_day", type_=Date()),
        updated_at=bindparam("b_now", type_=UTCDateTime()),
    )
)


async def claim_due(
    session: AsyncSession,
    now: datetime,
    *,
    limit: int,
    tip_order: Sequence[str],
    catch_up: timedelta,
    claimed_by: str,
    counts: ClaimCounts,
) -> list[Job]:
    """Claim the oldest due subscribers: one ledger row per (subscriber, local day), then advance.

    The UNIQUE claim row is what makes a double send impossible; SKIP LOCKED lets replicas on
    PostgreSQL take disjoint batches instead of waiting on each other. Three statements per
    batch, each with the same SQL every time (executemany), so compiled once and cached.
    """
    due = (
        await session.execute(
            select(*_DUE_COLUMNS)
            .where(_tip_due(now))
            .order_by(Subscriber.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not due:
        return []
    planned: list[dict[str, object]] = []
    picks: dict[int, tuple[str, tuple[str, ...], bool]] = {}
    # From the second cycle on the order adapts to what each subscriber logged: one query
    # fetches the counts for the whole batch, and only for those who need them.
    opening = {row.id for row in due if cycle_complete(tip_order, split_seen(row.cycle_seen))}
    logged = await logged_counts(
        session, [row.id for row in due if row.cycle_number >= 2 or row.id in opening]
    )
    for row in due:
        late = now - row.next_due_at > catch_up
        tip_id, seen = pick_next(tip_order, split_seen(row.cycle_seen), logged.get(row.id))
        planned.append(
            {
                "subscriber_id": row.id,
                "kind": DeliveryKind.TIP.value,
                "local_date": row.next_local_date,
                "tip_id": tip_id,
                "status": (DeliveryStatus.EXPIRED if late else DeliveryStatus.CLAIMED).value,
                "due_at": row.next_due_at,
                "claimed_at": now,
                "claimed_by": claimed_by,
                "attempts": 0 if late else 1,
                "chat_id": row.chat_id,
            }
        )
        if not late:
            picks[row.id] = (tip_id, seen, row.id in opening)
    inserted = (
        await session.execute(
            insert_or_ignore(session, Delivery).returning(
                Delivery.id, Delivery.subscriber_id, Delivery.status
            ),
            planned,
        )
    ).all()
    claimed = {
        sub_id: delivery_id
        for delivery_id, sub_id, status in inserted
        if status == DeliveryStatus.CLAIMED
    }
    counts.expired += sum(1 for *_, status in inserted if status == DeliveryStatus.EXPIRED)
    jobs: list[Job] = []
    advanced: list[dict[str, object]] = []
    resumed: list[int] = []
    for row in due:
        day = row.next_local_date
        change: dict[str, object]
        if row.id in claimed:
            tip_id, seen, opens_cycle = picks[row.id]
            jobs.append(
                Job(
                    claimed[row.id],
                    row.id,
                    row.chat_id,
                    tip_id,
                    day,
                    attempts=1,
                    language=row.language or row.language_code,
                )
            )
            change = {
                "b_id": row.id,
                "b_seen": ",".join(seen),
                "b_opened": 1 if opens_cycle else 0,
                "b_delivered": day,
            }
            not_before = now
        else:
            # Expired, or another writer already holds this day's claim: move on to a day
            # that can still go out within the catch-up window.
            change = {
                "b_id": row.id,
                "b_seen": row.cycle_seen,
                "b_opened": 0,
                "b_delivered": None,
            }
            not_before = now - catch_up
        if row.status == SubscriberStatus.PAUSED:
            resumed.append(row.id)
        change["b_due"], change["b_day"] = _next(
            not_before, ZoneInfo(row.timezone), parse_hh_mm(row.send_time), day
        )
        change["b_now"] = now
        advanced.append(change)
    await session.execute(_ADVANCE, advanced)
    if resumed:
        # A paused subscriber only has a due date once its pause has an end: it has ended.
        await session.execute(
            update(Subscriber)
            .where(Subscriber.id.in_(resumed))
            .values(status=SubscriberStatus.ACTIVE, paused_until=None)
        )
    return jobs


def _next(
    not_before: datetime, zone: ZoneInfo, send_time: time, after: date
) -> tuple[datetime, date]:
    due = next_due(not_before, zone, send_time, after=after)
    return due.at, due.local_date


async def record_outcomes(
    session: AsyncSession, outcomes: Sequence[Outcome], now: datetime
) -> None:
    """Write every outcome of a batch in the caller's one transaction."""
    if not outcomes:
        return
    # A Core UPDATE ... WHERE id = :delivery_id per outcome, not the ORM's bulk update by
    # primary key: that one raises when a row is gone, and a subscriber who used /forget while
    # their tip was in flight has no rows left. Their outcome is simply dropped.
    table = Base.metadata.tables[Delivery.__tablename__]
    await session.execute(
        update(table).where(table.c.id == bindparam("delivery_id")),
        [
            {
                "delivery_id": outcome.job.delivery_id,
                "status": outcome.status,
                "message_id": outcome.message_id,
                "sent_at": now if outcome.status == DeliveryStatus.SENT else None,
                "error": outcome.error[:200] if outcome.error else None,
                "next_attempt_at": outcome.retry_at,
                "chat_id": outcome.new_chat_id or outcome.job.chat_id,
            }
            for outcome in outcomes
        ],
    )
    for outcome in outcomes:
        if outcome.job.kind == DeliveryKind.TIP and outcome.status in (
            DeliveryStatus.FAILED,
            DeliveryStatus.EXPIRED,
        ):
            await _unsee(session, outcome.job.subscriber_id, outcome.job.tip_id)
        if outcome.subscriber_status is not None:
            await session.execute(
                update(Subscriber)
                .where(Subscriber.id == outcome.job.subscriber_id)
                .values(
                    status=outcome.subscriber_status,
                    next_due_at=None,
                    next_local_date=None,
                    updated_at=now,
                )
            )
        if outcome.new_chat_id is not None:
            await session.execute(
                update(Subscriber)
                .where(Subscriber.id == outcome.job.subscriber_id)
                .values(chat_id=outcome.new_chat_id, updated_at=now)
            )


async def _unsee(session: AsyncSession, subscriber_id: int, tip_id: str | None) -> None:
    # A tip that never arrived goes back into the cycle, so no habit is skipped for good.
    row = await session.get(Subscriber, subscriber_id, with_for_update=True)
    if row is not None:
        row.cycle_seen = ",".join(t for t in split_seen(row.cycle_seen) if t != tip_id)
