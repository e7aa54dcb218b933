"""The daily tip's claim: the oldest due subscribers, the next tip of each one's rotation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, Integer, Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.claims import claim_row, insert_claims
from nudgebot.db.ledger import Moment
from nudgebot.db.models import Subscriber, split_seen
from nudgebot.db.queries import logged_counts
from nudgebot.db.types import UTCDateTime
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.rotation import cycle_complete, pick_next
from nudgebot.domain.schedule import next_due
from nudgebot.domain.statuses import DeliveryKind, SubscriberStatus


def tip_due(now: Moment) -> ColumnElement[bool]:
    """Shared by the claim and by the idle tick's probe, so the two never disagree."""
    return Subscriber.next_due_at <= now


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
    request: ClaimRequest,
    *,
    tip_order: Sequence[str],
    catch_up: timedelta,
) -> list[Claim]:
    """Claim the oldest due subscribers: one ledger row per (subscriber, local day), then advance.

    SKIP LOCKED lets replicas on PostgreSQL take disjoint batches instead of waiting on each
    other. Three statements per batch, each with the same SQL every time (executemany), so
    compiled once and cached.
    """
    now = request.now
    due = (
        await session.execute(
            select(*_DUE_COLUMNS)
            .where(tip_due(now))
            .order_by(Subscriber.next_due_at)
            .limit(request.limit)
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
            claim_row(
                subscriber_id=row.id,
                chat_id=row.chat_id,
                kind=DeliveryKind.TIP,
                local_date=row.next_local_date,
                due_at=row.next_due_at,
                now=now,
                claimed_by=request.claimed_by,
                late=late,
                tip_id=tip_id,
            )
        )
        if not late:
            picks[row.id] = (tip_id, seen, row.id in opening)
    claimed = await insert_claims(session, planned, request.counts)
    claims: list[Claim] = []
    advanced: list[dict[str, object]] = []
    resumed: list[int] = []
    for row in due:
        day = row.next_local_date
        change: dict[str, object]
        if row.id in claimed:
            tip_id, seen, opens_cycle = picks[row.id]
            claims.append(
                Claim(
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
            not_before, ZoneInfo(row.timezone), row.send_time, day
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
    return claims


def _next(
    not_before: datetime, zone: ZoneInfo, send_time: time, after: date
) -> tuple[datetime, date]:
    due = next_due(not_before, zone, send_time, after=after)
    return due.at, due.local_date
