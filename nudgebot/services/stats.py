"""Operator statistics: subscribers by status, tips sent, check-in rate per tip, losses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.content.model import Content
from nudgebot.db.models import CheckIn, Delivery, Subscriber
from nudgebot.domain.statuses import DeliveryStatus, SubscriberStatus


@dataclass(frozen=True, slots=True)
class TipRate:
    """How often one tip, once delivered, got a check-in (done or not today)."""

    tip_id: str
    sent: int
    checkins: int

    @property
    def rate(self) -> float | None:
        return self.checkins / self.sent if self.sent else None


@dataclass(frozen=True, slots=True)
class Stats:
    """One snapshot, the same for /stats and `nudgebot stats`."""

    at: datetime
    subscribers: Mapping[str, int]
    sent_today: int  # since 00:00 UTC
    sent_7_days: int
    tips: tuple[TipRate, ...]
    unknown: int
    expired: int

    def render(self) -> str:
        """Plain text, one fact per line (the handler wraps it in <pre>)."""
        total = sum(self.subscribers.values())
        by_status = ", ".join(f"{status} {n}" for status, n in self.subscribers.items())
        lines = [
            f"nudgebot stats at {self.at:%Y-%m-%d %H:%M} UTC",
            f"subscribers: {total} ({by_status})",
            f"tips sent today (UTC): {self.sent_today}",
            f"tips sent in the last 7 days: {self.sent_7_days}",
            f"unknown deliveries (maybe sent): {self.unknown}",
            f"expired deliveries (not sent in time): {self.expired}",
            "check-in rate per tip (check-ins / tips sent):",
        ]
        width = max((len(tip.tip_id) for tip in self.tips), default=0)
        for tip in self.tips:
            rate = "-" if tip.rate is None else f"{tip.rate:.0%}"
            lines.append(f"  {tip.tip_id:<{width}}  {tip.checkins}/{tip.sent}  {rate}")
        return "\n".join(lines)


class StatsService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, content: Content
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._content = content

    async def stats(self) -> Stats:
        now = self._clock.now()
        midnight = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
        async with self._sessions() as session:
            statuses = await _grouped(
                session, select(Subscriber.status, func.count()).group_by(Subscriber.status)
            )
            by_delivery = await _grouped(
                session, select(Delivery.status, func.count()).group_by(Delivery.status)
            )
            sent = Delivery.status == DeliveryStatus.SENT
            sent_today = await _count(session, sent, Delivery.sent_at >= midnight)
            sent_week = await _count(session, sent, Delivery.sent_at >= now - timedelta(days=7))
            sent_per_tip = await _grouped(
                session, select(Delivery.tip_id, func.count()).where(sent).group_by(Delivery.tip_id)
            )
            checkins_per_tip = await _grouped(
                session, select(CheckIn.tip_id, func.count()).group_by(CheckIn.tip_id)
            )
        # Every known status and tip is listed, zero or not; retired tips still in the data too.
        subscribers = {status.value: statuses.pop(status.value, 0) for status in SubscriberStatus}
        subscribers.update(statuses)
        tip_ids = list(self._content.tip_ids)
        tip_ids += sorted({*sent_per_tip, *checkins_per_tip} - set(tip_ids))
        return Stats(
            at=now,
            subscribers=subscribers,
            sent_today=sent_today,
            sent_7_days=sent_week,
            tips=tuple(
                TipRate(t, sent_per_tip.get(t, 0), checkins_per_tip.get(t, 0)) for t in tip_ids
            ),
            unknown=by_delivery.get(DeliveryStatus.UNKNOWN.value, 0),
            expired=by_delivery.get(DeliveryStatus.EXPIRED.value, 0),
        )


async def _grouped(session: AsyncSession, query: Select[Any, int]) -> dict[str, int]:
    """A GROUP BY key, count(*) query as a dict; a NULL key (a tip-less row) is left out."""
    return {key: int(n) for key, n in (await session.execute(query)).all() if key is not None}


async def _count(session: AsyncSession, *conditions: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(Delivery).where(*conditions)
    return int((await session.execute(query)).scalar_one())
