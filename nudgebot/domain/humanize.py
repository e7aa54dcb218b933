"""Human wording for when the next tip comes: 'tomorrow 07:30 Europe/Berlin, in 14 h'."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Wording:
    """The words of one language; the content supplies them, English is the default."""

    today: str = "today"
    tomorrow: str = "tomorrow"
    # Fixed names, never strftime's: that would follow the process locale.
    weekdays: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months: tuple[str, ...] = (
        *("Jan", "Feb", "Mar", "Apr", "May", "Jun"),
        *("Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    )
    date: str = "{weekday} {day} {month}"
    next_tip: str = "{day} {time} {zone}, {until}"
    under_a_minute: str = "in under a minute"
    in_minutes: str = "in {minutes} min"
    in_hours: str = "in {hours} h"
    in_hours_minutes: str = "in {hours} h {minutes} min"
    in_days_one: str = "in {count} day"
    in_days_other: str = "in {count} days"
    day_one: str = "{count} day"
    day_other: str = "{count} days"


ENGLISH = Wording()


def plural(n: int, one: str, many: str) -> str:
    """Return `n` with the singular or plural word: '1 day', '3 days'."""
    return f"{n} {one if abs(n) == 1 else many}"


def count_days(n: int, words: Wording = ENGLISH) -> str:
    """'1 day', '3 days' (or '1 Tag', '3 Tage'): both languages so far have one plural form."""
    return (words.day_one if abs(n) == 1 else words.day_other).format(count=n)


def _day_label(now: datetime, at: datetime, tz: ZoneInfo, words: Wording) -> str:
    local = at.astimezone(tz)
    days_ahead = (local.date() - now.astimezone(tz).date()).days
    if days_ahead == 0:
        return words.today
    if days_ahead == 1:
        return words.tomorrow
    return words.date.format(
        weekday=words.weekdays[local.weekday()], day=local.day, month=words.months[local.month - 1]
    )


def _until(now: datetime, at: datetime, words: Wording) -> str:
    delta = at - now
    if delta < _MINUTE:
        return words.under_a_minute
    minutes = round(delta / _MINUTE)
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days = hours // 24
        return (words.in_days_one if days == 1 else words.in_days_other).format(count=days)
    if hours == 0:
        return words.in_minutes.format(minutes=minutes)
    if minutes == 0:
        return words.in_hours.format(hours=hours)
    return words.in_hours_minutes.format(hours=hours, minutes=minutes)


def describe_next(now: datetime, at: datetime, tz: ZoneInfo, words: Wording = ENGLISH) -> str:
    """Describe the instant `at`, seen from `now`, in the subscriber's zone."""
    local = at.astimezone(tz)
    return words.next_tip.format(
        day=_day_label(now, at, tz, words),
        time=f"{local:%H:%M}",
        zone=tz.key,
        until=_until(now, at, words),
    )
