"""Read-only snapshots of a subscriber that handlers render; no ORM objects leave a use case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from nudgebot.db.models import Subscriber


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
            send_time=row.send_time,
            next_due_at=row.next_due_at,
            next_local_date=row.next_local_date,
            paused_until=row.paused_until,
            awaiting=row.awaiting,
            created_at=row.created_at,
        )
