"""What a subscriber has done so far: streaks, the last week, days since joining."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import queries
from nudgebot.domain.schedule import local_today
from nudgebot.domain.streaks import compute_streaks, days_between
from nudgebot.services.views import NotSubscribedError


@dataclass(frozen=True, slots=True)
class Progress:
    current_streak: int
    best_streak: int
    last_7_days: int
    days_since_joining: int
    total: int


class ProgressService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def progress(self, chat_id: int) -> Progress:
        now = self._clock.now()
        async with self._sessions() as session:
            subscriber = await queries.get_subscriber(session, chat_id)
            if subscriber is None:
                raise NotSubscribedError(chat_id)
            zone = ZoneInfo(subscriber.timezone)
            today = local_today(now, zone)
            streaks = compute_streaks(
                await queries.done_days(session, subscriber.id),
                today,
                await queries.pause_periods(session, subscriber.id),
            )
            week = await queries.count_checkins(
                session, subscriber.id, since=today - timedelta(days=6)
            )
            total = await queries.count_checkins(session, subscriber.id)
            joined = local_today(subscriber.created_at, zone)
            return Progress(
                current_streak=streaks.current,
                best_streak=streaks.best,
                last_7_days=week,
                days_since_joining=days_between(joined, today),
                total=total,
            )
