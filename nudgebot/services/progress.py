"""What a subscriber has done so far: streaks, the last 4 weeks per habit, days since joining."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.content.model import Content
from nudgebot.db import queries
from nudgebot.db.models import CheckIn, Delivery
from nudgebot.domain.progress import WINDOW_DAYS, ProgressData, build_progress
from nudgebot.domain.schedule import local_today
from nudgebot.domain.statuses import DeliveryKind, DeliveryStatus
from nudgebot.domain.streaks import compute_streaks, days_between
from nudgebot.services.lookups import subscribed


@dataclass(frozen=True, slots=True)
class Progress:
    current_streak: int
    best_streak: int
    last_7_days: int
    days_since_joining: int
    total: int
    picture: ProgressData


class ProgressService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, content: Content
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._habits = habits_of(content)

    async def progress(self, chat_id: int) -> Progress:
        now = self._clock.now()
        async with self._sessions() as session:
            subscriber = await subscribed(session, chat_id)
            zone = ZoneInfo(subscriber.timezone)
            today = local_today(now, zone)
            data = await load_progress(session, subscriber.id, today, self._habits)
            week = await queries.count_checkins(
                session, subscriber.id, since=today - timedelta(days=6)
            )
            total = await queries.count_checkins(session, subscriber.id)
            joined = local_today(subscriber.created_at, zone)
            return Progress(
                current_streak=data.current_streak,
                best_streak=data.best_streak,
                last_7_days=week,
                days_since_joining=days_between(joined, today),
                total=total,
                picture=data,
            )


def habits_of(content: Content) -> tuple[tuple[str, str], ...]:
    """(tip id, short label) in content order: the rows of the picture."""
    return tuple((tip.id, tip.label) for tip in content.tips)


async def load_progress(
    session: AsyncSession,
    subscriber_id: int,
    today: date,
    habits: Sequence[tuple[str, str]],
) -> ProgressData:
    """The picture's data as of the local day `today`, in three small indexed queries."""
    first = today - timedelta(days=WINDOW_DAYS - 1)
    streaks = compute_streaks(
        await queries.done_days(session, subscriber_id),
        today,
        await queries.pause_periods(session, subscriber_id),
    )
    checkins = (
        await session.execute(
            select(CheckIn.local_date, CheckIn.tip_id, CheckIn.outcome).where(
                CheckIn.subscriber_id == subscriber_id,
                CheckIn.local_date >= first,
                CheckIn.local_date <= today,
            )
        )
    ).all()
    offered = (
        await session.execute(
            select(Delivery.tip_id, func.count())
            .where(
                Delivery.subscriber_id == subscriber_id,
                Delivery.kind == DeliveryKind.TIP,
                Delivery.status == DeliveryStatus.SENT,
                Delivery.local_date >= first,
                Delivery.local_date <= today,
            )
            .group_by(Delivery.tip_id)
        )
    ).all()
    return build_progress(
        today,
        habits,
        [(day, tip, outcome) for day, tip, outcome in checkins],
        {tip: int(count) for tip, count in offered if tip is not None},
        current_streak=streaks.current,
        best_streak=streaks.best,
    )
