"""The weekly line: the most specific true thing about the week, gentle when it was quiet."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nudgebot.content.model import Content
from nudgebot.domain.encouragement import WeekFacts, choose_line, week_facts
from nudgebot.domain.progress import WINDOW_DAYS, build_progress

TODAY = date(2026, 3, 29)  # a Sunday
HABITS = (("fiber", "Fiber"), ("water", "Water"), ("sleep", "Sleep"))


def facts(**changes: object) -> WeekFacts:
    base: dict[str, object] = {
        "days_logged": 2,
        "days_logged_week_before": 2,
        "logged_earlier": True,
        "streak": 1,
        "streak_week_ago": 1,
        "best_habit": None,
        "best_habit_days": 0,
    }
    return WeekFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_a_quiet_week_gets_the_gentle_line() -> None:
    assert choose_line(facts(days_logged=0)).key == "summary_line_quiet"


def test_coming_back_after_a_gap_is_welcomed() -> None:
    assert choose_line(facts(days_logged_week_before=0)).key == "summary_line_back"


def test_a_first_week_is_not_a_comeback() -> None:
    line = choose_line(facts(days_logged_week_before=0, logged_earlier=False))
    assert line.key != "summary_line_back"


def test_a_streak_that_grew_is_named() -> None:
    line = choose_line(facts(streak=5, streak_week_ago=0))
    assert (line.key, line.streak) == ("summary_line_streak", 5)


def test_the_best_habit_is_named_when_no_streak_grew() -> None:
    line = choose_line(facts(best_habit="Water", best_habit_days=3))
    assert (line.key, line.habit) == ("summary_line_best_habit", "Water")


def test_otherwise_the_days_logged_are_counted() -> None:
    line = choose_line(facts(days_logged=1, best_habit="Water", best_habit_days=1))
    assert (line.key, line.days) == ("summary_line_steady", 1)


def test_week_facts_are_read_from_the_last_seven_days() -> None:
    rows = [(TODAY - timedelta(days=n), "water", "done") for n in range(4)]
    rows.append((TODAY - timedelta(days=20), "fiber", "done"))
    data = build_progress(TODAY, HABITS, rows, {}, current_streak=4, best_streak=4)
    week = week_facts(data)
    assert (week.days_logged, week.days_logged_week_before, week.logged_earlier) == (4, 0, True)
    assert (week.best_habit, week.best_habit_days, week.streak_week_ago) == ("Water", 4, 0)


@given(
    st.lists(
        st.tuples(
            st.integers(0, WINDOW_DAYS - 1),
            st.sampled_from([tip for tip, _ in HABITS]),
            st.sampled_from(["done", "partly", "skipped"]),
        )
    ),
    st.integers(0, 60),
)
def test_every_week_gets_a_line_that_the_content_can_render(
    rows: list[tuple[int, str, str]], streak: int
) -> None:
    data = build_progress(
        TODAY,
        HABITS,
        [(TODAY - timedelta(days=n), tip, outcome) for n, tip, outcome in rows],
        {},
        current_streak=streak,
        best_streak=streak,
    )
    line = choose_line(week_facts(data))
    assert line.key.startswith("summary_line_")
    if week_facts(data).days_logged == 0:
        assert line.key == "summary_line_quiet"


def test_every_line_exists_in_the_content(content: Content) -> None:
    for key in ("quiet", "back", "streak", "best_habit", "steady"):
        assert f"summary_line_{key}" in content.messages
