"""The weekly summary's one encouraging line, chosen from what the subscriber actually did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from nudgebot.domain.progress import WINDOW_DAYS, Mark, ProgressData
from nudgebot.domain.streaks import compute_streaks

WEEK = 7
MIN_STREAK = 3  # a run this long is worth naming
MIN_HABIT_DAYS = 2  # a habit logged this often in a week is worth naming


@dataclass(frozen=True, slots=True)
class WeekFacts:
    """What the last 7 days (ending on the summary day) held, next to the weeks before."""

    days_logged: int  # days this week with a done or partly check-in
    days_logged_week_before: int
    logged_earlier: bool  # anything logged in the two weeks before that
    streak: int
    streak_week_ago: int
    best_habit: str | None  # the habit logged most this week (ties: content order)
    best_habit_days: int


@dataclass(frozen=True, slots=True)
class Encouragement:
    """A message key from content/messages.yaml and the values it needs."""

    key: str
    streak: int | None = None
    habit: str | None = None
    days: int | None = None


def week_facts(data: ProgressData) -> WeekFacts:
    """Read the facts off the 4-week picture data (its last day is the summary day)."""
    marks = data.day_marks()
    this_week = range(WINDOW_DAYS - WEEK, WINDOW_DAYS)
    week_before = range(WINDOW_DAYS - 2 * WEEK, WINDOW_DAYS - WEEK)
    earlier = range(WINDOW_DAYS - 2 * WEEK)
    done_days = [day for day, (mark, _) in zip(data.days, marks, strict=True) if mark == Mark.DONE]
    best_habit, best_days = None, 0
    for habit in data.habits:
        days = sum(1 for index in this_week if habit.marks[index].logged)
        if days > best_days:
            best_habit, best_days = habit.label, days
    return WeekFacts(
        days_logged=sum(1 for index in this_week if marks[index][0].logged),
        days_logged_week_before=sum(1 for index in week_before if marks[index][0].logged),
        logged_earlier=any(marks[index][0].logged for index in earlier),
        streak=data.current_streak,
        streak_week_ago=compute_streaks(done_days, data.today - timedelta(days=WEEK)).current,
        best_habit=best_habit,
        best_habit_days=best_days,
    )


def choose_line(facts: WeekFacts) -> Encouragement:
    """The most specific true thing worth saying; a quiet week gets a gentle word, never guilt."""
    if facts.days_logged == 0:
        return Encouragement("summary_line_quiet")
    if facts.days_logged_week_before == 0 and facts.logged_earlier:
        return Encouragement("summary_line_back")
    if facts.streak >= MIN_STREAK and facts.streak > facts.streak_week_ago:
        return Encouragement("summary_line_streak", streak=facts.streak)
    if facts.best_habit is not None and facts.best_habit_days >= MIN_HABIT_DAYS:
        return Encouragement("summary_line_best_habit", habit=facts.best_habit)
    return Encouragement("summary_line_steady", days=facts.days_logged)
