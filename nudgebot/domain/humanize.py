"""Human wording for when the next tip comes: 'tomorrow 07:30 Europe/Berlin, in 14 h'."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Fixed English names: strftime would follow the process locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MINUTE = timedelta(minutes=1)


def plural(n: int, one: str, many: str) -> str:
    """Return `n` with the singular or plural word: '1 day', '3 days'."""
    return f"{n} {one if abs(n) == 1 else many}"


def _day_label(now: datetime, at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    days_ahead = (local.date() - now.astimezone(tz).date()).days
    if days_ahead == 0:
        return "today"
    if days_ahead == 1:
        return "tomorrow"
    return f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"


def _until(now: datetime, at: datetime) -> str:
    delta = at - now
    if delta < _MINUTE:
        return "in under a minute"
    minutes = round(delta / _MINUTE)
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        return f"in {plural(hours // 24, 'day', 'days')}"
    if hours == 0:
        return f"in {minutes} min"
    if minutes == 0:
        return f"in {hours} h"
    return f"in {hours} h {minutes} min"


def describe_next(now: datetime, at: datetime, tz: ZoneInfo) -> str:
    """Describe the instant `at`, seen from `now`, in the subscriber's zone."""
    local = at.astimezone(tz)
    return f"{_day_label(now, at, tz)} {local:%H:%M} {tz.key}, {_until(now, at)}"
