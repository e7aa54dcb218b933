"""The picture's data: per habit and day marks over 4 weeks, completion, most and least."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.progress import WINDOW_DAYS, Mark, build_progress

TODAY = date(2026, 3, 29)
HABITS = (("fiber", "Fiber"), ("water", "Water"), ("sleep", "Sleep"))


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_check_ins_land_on_their_habit_and_day() -> None:
    data = build_progress(
        TODAY, HABITS, [(days_ago(0), "water", "done")], {}, current_streak=1, best_streak=1
    )
    assert data.habits[1].marks[-1] == Mark.DONE
    assert data.habits[0].marks[-1] == Mark.NONE


def test_check_ins_outside_the_window_or_of_unknown_tips_are_left_out() -> None:
    data = build_progress(
        TODAY,
        HABITS,
        [(days_ago(WINDOW_DAYS), "fiber", "done"), (days_ago(1), "gone", "done")],
        {},
        current_streak=0,
        best_streak=1,
    )
    assert not data.has_entries


def test_a_day_shows_its_best_mark_and_that_habit() -> None:
    rows = [(days_ago(0), "fiber", "skipped"), (days_ago(0), "sleep", "partly")]
    data = build_progress(TODAY, HABITS, rows, {}, current_streak=0, best_streak=0)
    assert data.day_marks()[-1] == (Mark.PARTLY, "Sleep")


def test_partly_counts_as_logged_and_not_today_does_not() -> None:
    rows = [(days_ago(0), "fiber", "partly"), (days_ago(1), "fiber", "skipped")]
    data = build_progress(TODAY, HABITS, rows, {"fiber": 2}, current_streak=0, best_streak=0)
    assert (data.habits[0].logged, data.habits[0].completion, data.days_logged) == (1, 0.5, 1)


def test_most_and_least_practised_follow_counts_with_ties_in_content_order() -> None:
    rows = [(days_ago(n), "water", "done") for n in range(3)] + [(days_ago(5), "sleep", "done")]
    offered = {"fiber": 2, "water": 3, "sleep": 2}
    data = build_progress(TODAY, HABITS, rows, offered, current_streak=3, best_streak=3)
    most, least = data.most_practised(), data.least_practised()
    assert (most and most.tip_id, least and least.tip_id) == ("water", "fiber")


def test_a_habit_that_never_came_has_no_completion() -> None:
    data = build_progress(TODAY, HABITS, [], {}, current_streak=0, best_streak=0)
    assert data.habits[0].completion is None
    assert data.most_practised() is None
    assert data.least_practised() is None


@given(
    st.lists(
        st.tuples(
            st.integers(-3, WINDOW_DAYS + 3),
            st.sampled_from([tip for tip, _ in HABITS]),
            st.sampled_from(["done", "partly", "skipped"]),
        )
    ),
    st.dictionaries(st.sampled_from([tip for tip, _ in HABITS]), st.integers(0, 40)),
)
def test_completion_is_always_a_share(
    rows: list[tuple[int, str, str]], offered: dict[str, int]
) -> None:
    data = build_progress(
        TODAY,
        HABITS,
        [(days_ago(n), tip, outcome) for n, tip, outcome in rows],
        offered,
        current_streak=0,
        best_streak=0,
    )
    for habit in data.habits:
        assert len(habit.marks) == WINDOW_DAYS
        assert habit.completion is None or 0 <= habit.completion <= 1
    assert 0 <= data.days_logged <= WINDOW_DAYS
