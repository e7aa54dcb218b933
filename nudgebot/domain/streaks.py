"""Streaks from check-in days: the current run of consecutive days and the longest run ever."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

_ONE_DAY = timedelta(days=1)


class Streaks(NamedTuple):
    """Consecutive check-in days: the run still alive now, and the best run so far."""

    current: int
    best: int


def compute_streaks(done_days: Iterable[date], today: date) -> Streaks:
    """Return the current and best streaks; today without a check-in yet does not break a run."""
    # Days after `today` can only come from clock skew; they count for nothing.
    days = {day for day in done_days if day <= today}
    current = 0
    cursor = today if today in days else today - _ONE_DAY
    while cursor in days:
        current += 1
        cursor -= _ONE_DAY
    best = 0
    for day in days:
        if day - _ONE_DAY in days:
            continue
        length = 1
        while day + length * _ONE_DAY in days:
            length += 1
        best = max(best, length)
    return Streaks(current, best)


def days_between(start: date, today: date) -> int:
    """Return whole days from `start` to `today` (0 on the same day, never negative)."""
    return max(0, (today - start).days)
