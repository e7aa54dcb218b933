"""What the progress picture shows: per habit and day outcomes over 4 weeks, streaks, completion."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

WINDOW_DAYS = 28


class Mark(IntEnum):
    """One habit on one day; a higher value is a better day, so max() picks the day's best."""

    NONE = 0  # no entry
    SKIPPED = 1  # "not today"
    PARTLY = 2
    DONE = 3

    @classmethod
    def of(cls, outcome: str) -> Mark:
        return {"done": cls.DONE, "partly": cls.PARTLY, "skipped": cls.SKIPPED}.get(
            outcome, cls.NONE
        )

    @property
    def logged(self) -> bool:
        """Done and partly count as practising the habit; "not today" does not."""
        return self >= Mark.PARTLY


@dataclass(frozen=True, slots=True)
class HabitRow:
    """One habit: its mark on each of the 28 days (oldest first) and how often it came."""

    tip_id: str
    label: str
    marks: tuple[Mark, ...]
    offered: int  # times the tip was delivered in the window

    @property
    def logged(self) -> int:
        return sum(1 for mark in self.marks if mark.logged)

    @property
    def completion(self) -> float | None:
        """Share of the times it came that it was logged; None if it never came."""
        offered = max(self.offered, self.logged)
        return self.logged / offered if offered else None


@dataclass(frozen=True, slots=True)
class ProgressData:
    """Everything the picture and its caption need, in the subscriber's local dates."""

    today: date
    habits: tuple[HabitRow, ...]
    current_streak: int
    best_streak: int

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=WINDOW_DAYS - 1)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.first_day + timedelta(days=n) for n in range(WINDOW_DAYS))

    def day_marks(self) -> tuple[tuple[Mark, str], ...]:
        """Each day's best mark and the label of the habit that earned it ("" if none)."""
        result: list[tuple[Mark, str]] = []
        for index in range(WINDOW_DAYS):
            best, label = Mark.NONE, ""
            for habit in self.habits:
                if habit.marks[index] > best:
                    best, label = habit.marks[index], habit.label
            result.append((best, label))
        return tuple(result)

    @property
    def days_logged(self) -> int:
        return sum(1 for mark, _ in self.day_marks() if mark.logged)

    @property
    def has_entries(self) -> bool:
        return any(mark != Mark.NONE for habit in self.habits for mark in habit.marks)

    def most_practised(self) -> HabitRow | None:
        """The habit logged most (ties: content order); None if nothing was logged."""
        best = max(self.habits, key=lambda h: h.logged, default=None)
        return best if best is not None and best.logged else None

    def least_practised(self) -> HabitRow | None:
        """Among habits that came in the window, the one logged least (ties: content order)."""
        offered = [h for h in self.habits if max(h.offered, h.logged) > 0]
        return min(offered, key=lambda h: h.logged, default=None)


def build_progress(
    today: date,
    habits: Sequence[tuple[str, str]],
    checkins: Iterable[tuple[date, str, str]],
    offered: dict[str, int],
    *,
    current_streak: int,
    best_streak: int,
) -> ProgressData:
    """Assemble ProgressData from (tip id, label) in content order and (day, tip, outcome) rows."""
    first = today - timedelta(days=WINDOW_DAYS - 1)
    grid: dict[str, list[Mark]] = {tip: [Mark.NONE] * WINDOW_DAYS for tip, _ in habits}
    for day, tip, outcome in checkins:
        index = (day - first).days
        if tip in grid and 0 <= index < WINDOW_DAYS:
            grid[tip][index] = max(grid[tip][index], Mark.of(outcome))
    return ProgressData(
        today=today,
        habits=tuple(
            HabitRow(tip, label, tuple(grid[tip]), offered.get(tip, 0)) for tip, label in habits
        ),
        current_streak=current_streak,
        best_streak=best_streak,
    )
