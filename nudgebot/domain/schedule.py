"""When a subscriber's daily tip is due: local send times resolved to UTC instants across DST."""

from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

# Pacific/Apia skipped one whole day; no zone has skipped more, so a few days of search is plenty.
_MAX_SKIPPED_DAYS = 7


class Due(NamedTuple):
    """One scheduled send: the subscriber's local day and the UTC instant it goes out."""

    local_date: date
    at: datetime


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


def _local_wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None, fold=0)


def _end_of_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """First UTC instant whose local wall time is at or after `wall`, which lies in a gap."""
    # Inside a gap fold=0 applies the offset before the jump and fold=1 the one after, so the
    # transition instant lies between the two readings; local wall time rises monotonically there.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if low > high:
        low, high = high, low
    # Transitions fall on whole seconds, so searching whole seconds lands exactly on one.
    low = low.replace(microsecond=0)
    lo_s, hi_s = 0, int((high - low).total_seconds()) + 1
    while lo_s < hi_s:
        mid = (lo_s + hi_s) // 2
        if _local_wall(low + timedelta(seconds=mid), tz) >= wall:
            hi_s = mid
        else:
            lo_s = mid + 1
    return low + timedelta(seconds=lo_s)


def resolve_local(day: date, send_time: time, tz: ZoneInfo) -> datetime:
    """Return the UTC instant of local `day` at `send_time`.

    In a spring-forward gap this is the first valid instant after the gap (02:30 on a day that
    jumps 02:00->03:00 gives 03:00 local); in a fall-back overlap, the first occurrence (fold=0).
    """
    wall = datetime.combine(day, send_time.replace(tzinfo=None, fold=0))
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if _local_wall(instant, tz) == wall:
        # fold=0 picks the earlier offset, so in an overlap this is already the first occurrence.
        return instant
    return _end_of_gap(wall, tz)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """Return the subscriber's local calendar date at the instant `now`."""
    _require_aware(now, "now")
    return now.astimezone(tz).date()


def next_due(not_before: datetime, tz: ZoneInfo, send_time: time, after: date | None = None) -> Due:
    """Return the earliest local day (after `after` if given) with send instant >= `not_before`.

    A local day on which `send_time` does not exist at all (Pacific/Apia skipped 2011-12-30: the
    resolved instant lands on another local date) is skipped, so `local_date` is always the local
    date of `at`. Subscribing: after=None; changing time or zone: after=last delivered date;
    advancing after a delivery: not_before=its instant, after=its date; catch-up:
    not_before=now - window.
    """
    _require_aware(not_before, "not_before")
    # Start a day early: a fall-back around midnight can put a later instant on an earlier date.
    day = local_today(not_before, tz) - timedelta(days=1)
    if after is not None and day <= after:
        day = after + timedelta(days=1)
    skipped = 0
    while True:
        at = resolve_local(day, send_time, tz)
        if at.astimezone(tz).date() == day:
            if at >= not_before:
                return Due(day, at)
        else:
            # The day has no such local time at all (the zone jumped over it): skip it.
            skipped += 1
            if skipped > _MAX_SKIPPED_DAYS:
                raise ValueError(f"{tz.key} has no valid {send_time} for days around {day}")
        day += timedelta(days=1)


def next_weekly(
    not_before: datetime,
    tz: ZoneInfo,
    weekday: int,
    send_time: time,
    after: date | None = None,
) -> Due:
    """Return the earliest local `weekday` (0 = Monday; after `after` if given) at `send_time`
    whose instant is >= `not_before`, with the same DST rules as `next_due`.

    A weekday on which `send_time` does not exist at all is skipped to the same weekday of the
    next week, so `local_date` always falls on `weekday`.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0..6, got {weekday}")
    _require_aware(not_before, "not_before")
    day = local_today(not_before, tz) - timedelta(days=1)
    if after is not None and day <= after:
        day = after + timedelta(days=1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    for _ in range(_MAX_SKIPPED_DAYS + 2):
        at = resolve_local(day, send_time, tz)
        if at.astimezone(tz).date() == day and at >= not_before:
            return Due(day, at)
        day += timedelta(days=7)
    raise ValueError(f"{tz.key} has no valid {send_time} on weekday {weekday} near {day}")
