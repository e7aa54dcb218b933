"""Read-only snapshots of a subscriber that handlers render; no ORM objects leave a use case.

Also the one rule every use case shares: a chat that never sent /start is not a subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db import queries
from nudgebot.db.models import Subscriber


class NotSubscribedError(Exception):
    """The chat has never sent /start."""


async def subscribed(
    session: AsyncSession, chat_id: int, *, for_update: bool = False
) -> Subscriber:
    """The chat's subscriber row; raises `NotSubscribedError` when there is none."""
    subscriber = await queries.get_subscriber(session, chat_id, for_update=for_update)
    if subscriber is None:
        raise NotSubscribedError(chat_id)
    return subscriber


@dataclass(frozen=True, slots=True)
class SubscriberView:
    chat_id: int
    status: str
    timezone: str
    send_time: time
    next_due_at: datetime | None
    next_local_date: date | None
    paused_until: date | None
    awaiting: str | None
    created_at: datetime

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, row: Subscriber) -> SubscriberView:
        return cls(
            chat_id=row.chat_id,
            status=row.status,
            timezone=row.timezone,
            send_time=parse_hh_mm(row.send_time),
            next_due_at=row.next_due_at,
            next_local_date=row.next_local_date,
            paused_until=row.paused_until,
            awaiting=row.awaiting,
            created_at=row.created_at,
        )


def parse_hh_mm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
