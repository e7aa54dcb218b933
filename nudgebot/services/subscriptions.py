"""Subscribing and the subscriber's own settings: zone, time, pause, resume, stop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import queries
from nudgebot.db.models import Pause, Subscriber
from nudgebot.db.summaries import schedule_summary
from nudgebot.domain.schedule import local_today, next_due
from nudgebot.domain.statuses import SubscriberStatus
from nudgebot.domain.timeparse import to_the_minute
from nudgebot.services.lookups import subscribed
from nudgebot.services.views import SubscriberView

MAX_PAUSE_DAYS = 365
# The weekly summary comes on Sunday at 18:00 local time until the subscriber picks otherwise.
DEFAULT_SUMMARY_DAY = 6
DEFAULT_SUMMARY_TIME = time(18)

_Change = Callable[[Subscriber, AsyncSession], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class StartResult:
    subscriber: SubscriberView
    is_new: bool
    came_back: bool  # resubscribed after /stop or after blocking the bot


class SubscriptionService:
    """Everything a subscriber changes about their own subscription."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        default_timezone: str,
        default_send_time: time,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._default_timezone = default_timezone
        self._default_send_time = default_send_time

    async def start(
        self, chat_id: int, *, user_id: int | None, language_code: str | None
    ) -> StartResult:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = await queries.get_subscriber(session, chat_id, for_update=True)
            if row is None:
                row = Subscriber(
                    chat_id=chat_id,
                    user_id=user_id,
                    language_code=language_code,
                    status=SubscriberStatus.ACTIVE,
                    timezone=self._default_timezone,
                    send_time=to_the_minute(self._default_send_time),
                    cycle_seen="",
                    cycle_number=1,
                    summary_enabled=True,
                    summary_day=DEFAULT_SUMMARY_DAY,
                    summary_time=DEFAULT_SUMMARY_TIME,
                    awaiting="timezone",
                    created_at=now,
                    updated_at=now,
                )
                _reschedule(row, now)
                session.add(row)
                await session.flush()
                return StartResult(SubscriberView.of(row), is_new=True, came_back=False)
            came_back = row.status in (
                SubscriberStatus.STOPPED,
                SubscriberStatus.BLOCKED,
                SubscriberStatus.GONE,
            )
            if row.status != SubscriberStatus.PAUSED or came_back:
                row.status = SubscriberStatus.ACTIVE
                row.paused_until = None
                _reschedule(row, now)
            row.awaiting = "timezone"
            row.user_id = user_id or row.user_id
            row.language_code = language_code or row.language_code
            row.updated_at = now
            return StartResult(SubscriberView.of(row), is_new=False, came_back=came_back)

    async def get(self, chat_id: int) -> SubscriberView | None:
        async with self._sessions() as session:
            row = await queries.get_subscriber(session, chat_id)
            return SubscriberView.of(row) if row else None

    async def chosen_language(self, chat_id: int) -> str | None:
        """The language picked with /language, or None (not subscribed, or never chose)."""
        async with self._sessions() as session:
            return await queries.chosen_language(session, chat_id)

    async def set_language(self, chat_id: int, code: str) -> SubscriberView:
        """Remember the language to talk in; the caller checked the content has it."""

        async def change(row: Subscriber, session: AsyncSession) -> None:
            row.language = code

        return await self._change(chat_id, change, reschedule=False)

    async def set_timezone(self, chat_id: int, zone: str) -> SubscriberView:
        ZoneInfo(zone)  # a caller bug, not user input: zones come from resolve_timezone

        async def change(row: Subscriber, session: AsyncSession) -> None:
            row.timezone = zone
            row.awaiting = "time" if row.awaiting == "timezone" else None

        return await self._change(chat_id, change)

    async def set_send_time(self, chat_id: int, send_time: time) -> SubscriberView:
        async def change(row: Subscriber, session: AsyncSession) -> None:
            row.send_time = to_the_minute(send_time)
            row.awaiting = None

        return await self._change(chat_id, change)

    async def set_awaiting(self, chat_id: int, awaiting: str | None) -> None:
        async def change(row: Subscriber, session: AsyncSession) -> None:
            row.awaiting = awaiting

        await self._change(chat_id, change, reschedule=False)

    async def pause(self, chat_id: int, days: int | None) -> SubscriberView:
        if days is not None and not 1 <= days <= MAX_PAUSE_DAYS:
            raise ValueError(f"pause days must be 1..{MAX_PAUSE_DAYS}")
        now = self._clock.now()

        async def change(row: Subscriber, session: AsyncSession) -> None:
            row.status = SubscriberStatus.PAUSED
            # Pausing skips the next days that have not had their tip yet.
            zone = ZoneInfo(row.timezone)
            first_open_day = max(
                local_today(now, zone)
                if row.last_delivered_date is None
                else row.last_delivered_date + timedelta(days=1),
                local_today(now, zone),
            )
            if days is None:
                row.paused_until = None
                row.next_due_at = row.next_local_date = None
            else:
                row.paused_until = first_open_day + timedelta(days=days - 1)
                due = next_due(now, zone, row.send_time, after=row.paused_until)
                row.next_due_at, row.next_local_date = due.at, due.local_date
            await _record_pause(session, row.id, first_open_day, row.paused_until)

        return await self._change(chat_id, change, reschedule=False)

    async def resume(self, chat_id: int) -> tuple[SubscriberView, bool]:
        """Returns the subscriber and whether anything changed (False: already active)."""
        changed = False

        async def change(row: Subscriber, session: AsyncSession) -> None:
            nonlocal changed
            changed = row.status != SubscriberStatus.ACTIVE
            row.status = SubscriberStatus.ACTIVE
            row.paused_until = None

        view = await self._change(chat_id, change, end_pause=True)
        return view, changed

    async def stop(self, chat_id: int) -> SubscriberView:
        async def change(row: Subscriber, session: AsyncSession) -> None:
            row.status = SubscriberStatus.STOPPED
            row.paused_until = None
            row.awaiting = None
            row.next_due_at = row.next_local_date = None
            row.next_summary_at = row.next_summary_date = None

        return await self._change(chat_id, change, reschedule=False)

    async def _change(
        self, chat_id: int, change: _Change, *, reschedule: bool = True, end_pause: bool = False
    ) -> SubscriberView:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = await subscribed(session, chat_id, for_update=True)
            await change(row, session)
            if reschedule and row.status == SubscriberStatus.ACTIVE:
                _reschedule(row, now)
            if end_pause:
                await _end_pause(session, row, now)
            row.updated_at = now
            return SubscriberView.of(row)


async def _record_pause(
    session: AsyncSession, subscriber_id: int, first_day: date, last_day: date | None
) -> None:
    """Rest days for streaks: extend the pause still running, or start a new one."""
    latest = await session.scalar(
        select(Pause)
        .where(Pause.subscriber_id == subscriber_id)
        .order_by(Pause.start_date.desc())
        .limit(1)
    )
    if latest is not None and (latest.end_date is None or latest.end_date >= first_day):
        latest.end_date = last_day
        return
    session.add(Pause(subscriber_id=subscriber_id, start_date=first_day, end_date=last_day))


async def _end_pause(session: AsyncSession, row: Subscriber, now: datetime) -> None:
    """Resumed: the rest ends the day before the next tip (or today, with none scheduled)."""
    last_rest = (
        row.next_local_date - timedelta(days=1)
        if row.next_local_date is not None
        else local_today(now, ZoneInfo(row.timezone))
    )
    pauses = (
        await session.execute(
            select(Pause).where(
                Pause.subscriber_id == row.id,
                (Pause.end_date.is_(None)) | (Pause.end_date > last_rest),
            )
        )
    ).scalars()
    for pause in pauses:
        if pause.start_date > last_rest:
            await session.execute(delete(Pause).where(Pause.id == pause.id))
        else:
            pause.end_date = last_rest


def _reschedule(row: Subscriber, now: datetime) -> None:
    """Next tip: the first local day not yet delivered whose send time is still ahead."""
    due = next_due(now, ZoneInfo(row.timezone), row.send_time, after=row.last_delivered_date)
    row.next_due_at, row.next_local_date = due.at, due.local_date
    # A new zone moves the weekly summary too; the ledger still allows one per week.
    schedule_summary(row, now)
