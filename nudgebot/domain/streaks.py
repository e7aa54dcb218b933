"""Streaks from check-in days: the current run of consecutive days and the longest run ever.

Rest days (a /pause) are neutral: a paused day neither breaks a run nor adds to it, so the days
either side of a pause join up as if the pause had not been on the calendar at all.
"""

from bisect import bisect_left
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

# A rest period: first and last paused local day; None as the end means "still paused".
PausePeriod = tuple[date, date | None]


class Streaks(NamedTuple):
    """Consecutive check-in days: the run still alive now, and the best run so far."""

    current: int
    best: int


class _Calendar:
    """Numbers the days that are not paused consecutively, so a pause closes its own gap."""

    def __init__(self, pauses: Iterable[PausePeriod], today: date) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted((s.toordinal(), (e or today).toordinal()) for s, e in pauses):
            if end < start:
                continue
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self._starts = [start for start, _ in merged]
        self._periods = merged
        # Paused days strictly before each period, so `index` is one bisect.
        self._before: list[int] = []
        total = 0
        for start, end in merged:
            self._before.append(total)
            total += end - start + 1

    def is_paused(self, day: date) -> bool:
        position = bisect_left(self._starts, day.toordinal() + 1) - 1
        return position >= 0 and day.toordinal() <= self._periods[position][1]

    def index(self, day: date) -> int:
        """The day's number with every paused day before it taken out of the count."""
        ordinal = day.toordinal()
        position = bisect_left(self._starts, ordinal) - 1
        if position < 0:
            return ordinal
        start, end = self._periods[position]
        return ordinal - self._before[position] - (min(end, ordinal - 1) - start + 1)


def compute_streaks(
    done_days: Iterable[date], today: date, paused: Iterable[PausePeriod] = ()
) -> Streaks:
    """Return the current and best streaks; today without a check-in yet does not break a run.

    Paused days count for nothing either way, even if something was logged on one.
    """
    calendar = _Calendar(paused, today)
    # Days after `today` can only come from clock skew; they count for nothing.
    days = {
        calendar.index(day) for day in done_days if day <= today and not calendar.is_paused(day)
    }
    current = 0
    # On a paused today, index(today) is the next open day, never in `days`: the run stays open.
    cursor = calendar.index(today)
    if cursor not in days:
        cursor -= 1
    while cursor in days:
        current += 1
        cursor -= 1
    best = 0
    for day in days:
        if day - 1 in days:
            continue
        length = 1
        while day + length in days:
            length += 1
        best = max(best, length)
    return Streaks(current, best)


def days_between(start: date, today: date) -> int:
    """Return whole days from `start` to `today` (0 on the same day, never negative)."""
    return max(0, (today - start).days)
