"""The snoozed-tip reminder: a delivery Source that sends each day's one reminder, restart-safe."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode

from nudgebot.content.model import Content
from nudgebot.db import queries
from nudgebot.db.ledger import ClaimCounts, Job, Moment
from nudgebot.db.models import (
    CheckIn,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Snooze,
    SnoozeStatus,
    Subscriber,
    SubscriberStatus,
)
from nudgebot.db.queries import insert_or_ignore
from nudgebot.domain.schedule import local_today
from nudgebot.render.keyboards import checkin_rows, focus_rows


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a claimed reminder shows: the tip delivery its buttons log, focus habits still open."""

    tip_delivery_id: int | None
    focus: tuple[str, ...]


class ReminderSource:
    """Kind 'reminder': the ledger's UNIQUE (subscriber, kind, day) allows one per local day.

    Pending snoozes live in the database, so a restart between snoozing and reminding loses
    nothing: the next tick of whichever process runs claims them.
    """

    kind = DeliveryKind.REMINDER

    def due(self, now: Moment) -> ColumnElement[bool]:
        return exists().where(Snooze.status == SnoozeStatus.PENDING, Snooze.remind_at <= now)

    def __init__(
        self, content: Content, sessions: async_sessionmaker[AsyncSession], catch_up: timedelta
    ) -> None:
        self._content = content
        self._sessions = sessions
        self._catch_up = catch_up
        # Plans from this process's claims; a retry claimed elsewhere is planned again on send.
        self._plans: dict[int, _Plan] = {}

    async def claim(
        self,
        session: AsyncSession,
        now: datetime,
        *,
        limit: int,
        claimed_by: str,
        counts: ClaimCounts,
    ) -> list[Job]:
        logged = exists().where(
            CheckIn.subscriber_id == Snooze.subscriber_id,
            CheckIn.local_date == Snooze.local_date,
            CheckIn.tip_id == Snooze.tip_id,
        )
        rows = (
            await session.execute(
                select(Snooze, Subscriber, logged.label("logged"))
                .join(Subscriber, Subscriber.id == Snooze.subscriber_id)
                .where(Snooze.status == SnoozeStatus.PENDING, Snooze.remind_at <= now)
                .order_by(Snooze.remind_at)
                .limit(limit)
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
                or now - snooze.remind_at > self._catch_up
            ):
                # Missed while the bot was down (or paused, stopped): expire quietly.
                snooze.status = SnoozeStatus.EXPIRED
                counts.expired += 1
            else:
                snooze.status = SnoozeStatus.CLAIMED
                claimed.append((snooze, subscriber))
                planned.append(
                    {
                        "subscriber_id": subscriber.id,
                        "kind": self.kind,
                        "local_date": snooze.local_date,
                        "tip_id": snooze.tip_id,
                        "status": DeliveryStatus.CLAIMED,
                        "due_at": snooze.remind_at,
                        "claimed_at": now,
                        "claimed_by": claimed_by,
                        "attempts": 1,
                        "chat_id": subscriber.chat_id,
                    }
                )
        if not planned:
            return []
        inserted = (
            await session.execute(
                insert_or_ignore(session, Delivery)
                .values(planned)
                .returning(Delivery.id, Delivery.subscriber_id)
            )
        ).all()
        by_subscriber = {subscriber_id: delivery_id for delivery_id, subscriber_id in inserted}
        open_focus = await _open_focus(
            session, [(s.subscriber_id, s.local_date) for s, _ in claimed]
        )
        jobs: list[Job] = []
        for snooze, subscriber in claimed:
            delivery_id = by_subscriber.get(subscriber.id)
            if delivery_id is None:
                continue  # the day's one reminder is already in the ledger
            self._plans[delivery_id] = _Plan(
                snooze.delivery_id, open_focus.get((subscriber.id, snooze.local_date), ())
            )
            jobs.append(
                Job(
                    delivery_id,
                    subscriber.id,
                    subscriber.chat_id,
                    snooze.tip_id,
                    snooze.local_date,
                    attempts=1,
                    kind=self.kind,
                )
            )
        return jobs

    async def send(self, bot: Bot, job: Job, chat_id: int) -> int:
        plan = self._plans.pop(job.delivery_id, None) or await self._plan_again(job)
        tip = self._content.tip(job.tip_id)
        rows = []
        if plan.tip_delivery_id is not None:
            # The same check-in buttons as the tip, minus Snooze: one reminder a day is enough.
            rows = checkin_rows(self._content, plan.tip_delivery_id, snooze=False) + focus_rows(
                self._content, plan.tip_delivery_id, plan.focus, skip=job.tip_id
            )
        message = await bot.send_message(
            chat_id=chat_id,
            text=self._content.text("reminder", title=tip.title),
            parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup(rows) if rows else None,
        )
        return message.message_id

    async def _plan_again(self, job: Job) -> _Plan:
        async with self._sessions() as session:
            tip_delivery = await session.scalar(
                select(Snooze.delivery_id).where(
                    Snooze.subscriber_id == job.subscriber_id, Snooze.local_date == job.local_date
                )
            )
            focus = await _open_focus(session, [(job.subscriber_id, job.local_date)])
        return _Plan(tip_delivery, focus.get((job.subscriber_id, job.local_date), ()))


async def _open_focus(
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
