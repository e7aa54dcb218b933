"""Snooze rows: the reminder's claim in the ledger, and cancelling it once the day is logged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db import queries
from nudgebot.db.claims import claim_row, insert_claims
from nudgebot.db.ledger import Moment
from nudgebot.db.models import CheckIn, Snooze, Subscriber
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.schedule import local_today
from nudgebot.domain.statuses import DeliveryKind, SnoozeStatus, SubscriberStatus


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """What a claimed reminder shows: the tip delivery its buttons log, focus habits still open."""

    tip_delivery_id: int | None
    focus: tuple[str, ...]


def reminder_due(now: Moment) -> ColumnElement[bool]:
    """Shared by the claim and by the idle tick's probe, so the two never disagree."""
    return and_(Snooze.status == SnoozeStatus.PENDING, Snooze.remind_at <= now)


async def claim_reminders(
    session: AsyncSession, request: ClaimRequest, *, catch_up: timedelta
) -> list[tuple[Claim, ReminderPlan]]:
    """Claim due reminders: the ledger's UNIQUE (subscriber, kind, day) allows one per day.

    A snooze whose day was logged meanwhile is cancelled; one missed while the bot was down
    (or paused, stopped) expires quietly.
    """
    now = request.now
    logged = exists().where(
        CheckIn.subscriber_id == Snooze.subscriber_id,
        CheckIn.local_date == Snooze.local_date,
        CheckIn.tip_id == Snooze.tip_id,
    )
    rows = (
        await session.execute(
            select(Snooze, Subscriber, logged.label("logged"))
            .join(Subscriber, Subscriber.id == Snooze.subscriber_id)
            .where(reminder_due(now))
            .order_by(Snooze.remind_at)
            .limit(request.limit)
            .with_for_update(skip_locked=True, of=Snooze)
        )
    ).all()
    planned: list[dict[str, object]] = []
    claimed: list[tuple[Snooze, Subscriber]] = []
    for snooze, subscriber, was_logged in rows:
        today = local_today(now, ZoneInfo(subscriber.timezone))
        if was_logged:
            # Checked in before the reminder was due: the reminder has nothing to ask.
            snooze.status = SnoozeStatus.CANCELLED
        elif (
            subscriber.status != SubscriberStatus.ACTIVE
            or snooze.local_date != today
            or now - snooze.remind_at > catch_up
        ):
            snooze.status = SnoozeStatus.EXPIRED
            request.counts.expired += 1
        else:
            snooze.status = SnoozeStatus.CLAIMED
            claimed.append((snooze, subscriber))
            planned.append(
                claim_row(
                    subscriber_id=subscriber.id,
                    chat_id=subscriber.chat_id,
                    kind=DeliveryKind.REMINDER,
                    local_date=snooze.local_date,
                    due_at=snooze.remind_at,
                    now=now,
                    claimed_by=request.claimed_by,
                    tip_id=snooze.tip_id,
                )
            )
    by_subscriber = await insert_claims(session, planned, request.counts)
    if not by_subscriber:
        return []
    focus = await open_focus(session, [(s.subscriber_id, s.local_date) for s, _ in claimed])
    reminders: list[tuple[Claim, ReminderPlan]] = []
    for snooze, subscriber in claimed:
        delivery_id = by_subscriber.get(subscriber.id)
        if delivery_id is None:
            continue  # the day's one reminder is already in the ledger
        claim = Claim(
            delivery_id,
            subscriber.id,
            subscriber.chat_id,
            snooze.tip_id,
            snooze.local_date,
            attempts=1,
            kind=DeliveryKind.REMINDER,
            language=subscriber.language or subscriber.language_code,
        )
        plan = ReminderPlan(snooze.delivery_id, focus.get((subscriber.id, snooze.local_date), ()))
        reminders.append((claim, plan))
    return reminders


async def reminder_plan(session: AsyncSession, subscriber_id: int, day: date) -> ReminderPlan:
    """The plan of a reminder claimed elsewhere (a retry), read again."""
    tip_delivery = await session.scalar(
        select(Snooze.delivery_id).where(
            Snooze.subscriber_id == subscriber_id, Snooze.local_date == day
        )
    )
    focus = await open_focus(session, [(subscriber_id, day)])
    return ReminderPlan(tip_delivery, focus.get((subscriber_id, day), ()))


async def open_focus(
    session: AsyncSession, days: Sequence[tuple[int, date]]
) -> dict[tuple[int, date], tuple[str, ...]]:
    """Focus habits not yet logged on each (subscriber, day): two queries for a whole batch."""
    if not days:
        return {}
    focus = await queries.focus_by_subscriber(session, [subscriber_id for subscriber_id, _ in days])
    logged = set(
        (
            await session.execute(
                # A superset on either backend; exact pairs are picked below.
                select(CheckIn.subscriber_id, CheckIn.local_date, CheckIn.tip_id).where(
                    CheckIn.subscriber_id.in_({subscriber_id for subscriber_id, _ in days}),
                    CheckIn.local_date.in_({day for _, day in days}),
                )
            )
        ).all()
    )
    return {
        (subscriber_id, day): tuple(
            tip_id
            for tip_id in focus.get(subscriber_id, ())
            if (subscriber_id, day, tip_id) not in logged
        )
        for subscriber_id, day in days
    }


async def cancel_pending(session: AsyncSession, subscriber_id: int, day: date, tip_id: str) -> None:
    """Call BEFORE writing a check-in for (day, tip), in the same transaction.

    The UPDATE locks the snooze row first: either the reminder source already claimed it
    (this waits, then finds nothing pending: the reminder goes out) or the check-in holds the
    lock until it commits and the source's SKIP LOCKED claim passes the row by, then finds it
    cancelled. No interleaving sends a reminder for a day already logged before it was claimed.
    """
    await session.execute(
        update(Snooze)
        .where(
            Snooze.subscriber_id == subscriber_id,
            Snooze.local_date == day,
            Snooze.tip_id == tip_id,
            Snooze.status == SnoozeStatus.PENDING,
        )
        .values(status=SnoozeStatus.CANCELLED)
    )
