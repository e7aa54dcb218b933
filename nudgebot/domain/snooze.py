"""When a snoozed tip comes back: in 1 h, in 3 h, or this evening, always the same local day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from nudgebot.domain.schedule import local_today, resolve_local

EVENING = time(19, 0)  # a usual after-work moment, before most people wind down


class SnoozeChoice(StrEnum):
    ONE_HOUR = "1h"
    THREE_HOURS = "3h"
    EVENING = "eve"


def remind_at(choice: SnoozeChoice, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of the reminder, or None when it would not fall later the same local day.

    A reminder that would land tomorrow is refused rather than clamped: tomorrow brings a new
    tip anyway, and a late-night nudge is the opposite of kind.
    """
    today = local_today(now, zone)
    if choice == SnoozeChoice.EVENING:
        at = resolve_local(today, EVENING, zone)
    else:
        at = now + timedelta(hours=1 if choice == SnoozeChoice.ONE_HOUR else 3)
    if at <= now or local_today(at, zone) != today:
        return None
    return at


def available_choices(now: datetime, zone: ZoneInfo) -> list[SnoozeChoice]:
    """The choices still open right now, in the order the buttons show them."""
    return [choice for choice in SnoozeChoice if remind_at(choice, now, zone) is not None]
