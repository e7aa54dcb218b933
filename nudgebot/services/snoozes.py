"""Snoozing today's tip: which choices are open, and storing the one reminder of the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import queries
from nudgebot.db.models import Delivery, Snooze, Subscriber
from nudgebot.domain.schedule import local_today
from nudgebot.domain.snooze import SnoozeChoice, available_choices, remind_at
from nudgebot.domain.statuses import SnoozeStatus
from nudgebot.services.lookups import subscribed


class SnoozeRefusal(StrEnum):
    NOT_TODAY = "not_today"  # the tip is from an earlier day (or not this chat's)
    LOGGED = "logged"  # the day's tip already has a check-in
    TOO_LATE = "too_late"  # no choice lands later the same local day


@dataclass(frozen=True, slots=True)
class SnoozeOffer:
    choices: tuple[SnoozeChoice, ...]
    refusal: SnoozeRefusal | None = None


@dataclass(frozen=True, slots=True)
class SnoozeSet:
    remind_at: datetime | None
    zone: ZoneInfo
    refusal: SnoozeRefusal | None = None


class SnoozeService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def offer(self, chat_id: int, delivery_id: int) -> SnoozeOffer:
        now = self._clock.now()
        async with self._sessions() as session:
            subscriber, delivery = await _subscriber_and_tip(session, chat_id, delivery_id)
            zone = ZoneInfo(subscriber.timezone)
            refusal = await _refusal(session, subscriber, delivery, now)
            if refusal is not None:
                return SnoozeOffer((), refusal)
            choices = tuple(available_choices(now, zone))
            return SnoozeOffer(choices, None if choices else SnoozeRefusal.TOO_LATE)

    async def snooze(self, chat_id: int, delivery_id: int, choice: SnoozeChoice) -> SnoozeSet:
        """Store (or move) the day's reminder; a day whose reminder already went stays as is."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            subscriber, delivery = await _subscriber_and_tip(session, chat_id, delivery_id)
            zone = ZoneInfo(subscriber.timezone)
            refusal = await _refusal(session, subscriber, delivery, now)
            at = remind_at(choice, now, zone)
            if refusal is None and at is None:
                refusal = SnoozeRefusal.TOO_LATE
            if refusal is not None or delivery is None or at is None:
                return SnoozeSet(None, zone, refusal or SnoozeRefusal.NOT_TODAY)
            row = await session.scalar(
                select(Snooze)
                .where(
                    Snooze.subscriber_id == subscriber.id,
                    Snooze.local_date == delivery.local_date,
                )
                .with_for_update()
            )
            if row is None:
                session.add(
                    Snooze(
                        subscriber_id=subscriber.id,
                        delivery_id=delivery.id,
                        local_date=delivery.local_date,
                        tip_id=delivery.tip_id,
                        remind_at=at,
                        status=SnoozeStatus.PENDING,
                        created_at=now,
                    )
                )
            elif row.status in (SnoozeStatus.PENDING, SnoozeStatus.CANCELLED):
                row.remind_at, row.status = at, SnoozeStatus.PENDING
            else:
                # Today's one reminder already went out (or expired): never a second one.
                return SnoozeSet(None, zone, SnoozeRefusal.TOO_LATE)
            return SnoozeSet(at, zone)


async def _subscriber_and_tip(
    session: AsyncSession, chat_id: int, delivery_id: int
) -> tuple[Subscriber, Delivery | None]:
    subscriber = await subscribed(session, chat_id)
    return subscriber, await queries.own_tip_delivery(session, subscriber.id, delivery_id)


async def _refusal(
    session: AsyncSession, subscriber: Subscriber, delivery: Delivery | None, now: datetime
) -> SnoozeRefusal | None:
    today = local_today(now, ZoneInfo(subscriber.timezone))
    if delivery is None or delivery.local_date != today or delivery.tip_id is None:
        return SnoozeRefusal.NOT_TODAY
    if delivery.tip_id in await queries.logged_tips(session, subscriber.id, today):
        return SnoozeRefusal.LOGGED
    return None
