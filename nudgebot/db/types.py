"""Column types that behave the same on SQLite and PostgreSQL: UTC instants, local times of day."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in and out, whatever the backend keeps.

    SQLite has no time zone support and hands back naive values; storing naive UTC there and
    re-attaching UTC on the way out keeps comparisons and ordering right on both backends.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class HourMinute(TypeDecorator[time]):
    """A local time of day: a `datetime.time` in and out, stored as the text 'HH:MM'.

    The text form is what the column always held, so existing rows need no migration; seconds
    are never stored (send times are chosen to the minute).
    """

    impl = String(5)
    cache_ok = True

    def process_bind_param(self, value: time | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, time):
            raise TypeError(f"an HH:MM column takes a datetime.time, not {type(value).__name__}")
        return f"{value.hour:02d}:{value.minute:02d}"

    def process_result_value(self, value: str | None, dialect: Dialect) -> time | None:
        if value is None:
            return None
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
