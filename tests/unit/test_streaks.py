"""Streaks from check-in days."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.streaks import Streaks, compute_streaks, days_between

TODAY = date(2025, 6, 10)


def days_ago(*offsets: int) -> list[date]:
    return [TODAY - timedelta(days=n) for n in offsets]


def test_no_check_ins_is_no_streak() -> None:
    assert compute_streaks([], TODAY) == Streaks(0, 0)


def test_run_ending_today_counts() -> None:
    assert compute_streaks(days_ago(0, 1, 2), TODAY) == Streaks(3, 3)


def test_run_ending_yesterday_is_still_alive_today() -> None:
    assert compute_streaks(days_ago(1, 2), TODAY) == Streaks(2, 2)


def test_run_ending_two_days_ago_is_broken() -> None:
    assert compute_streaks(days_ago(2, 3), TODAY) == Streaks(0, 2)


def test_best_remembers_a_longer_past_run() -> None:
    assert compute_streaks(days_ago(0, 5, 6, 7, 8), TODAY) == Streaks(1, 4)


def test_duplicate_days_count_once() -> None:
    assert compute_streaks(days_ago(0, 0, 1, 1), TODAY) == Streaks(2, 2)


def test_future_days_are_ignored() -> None:
    assert compute_streaks(days_ago(-1, 0), TODAY) == Streaks(1, 1)


def test_days_between_counts_whole_days() -> None:
    assert days_between(date(2025, 6, 1), TODAY) == 9


def test_days_between_same_day_is_zero() -> None:
    assert days_between(TODAY, TODAY) == 0


def test_days_between_never_negative() -> None:
    assert days_between(TODAY + timedelta(days=1), TODAY) == 0


@given(st.lists(st.integers(0, 60)))
def test_best_is_at_least_current_and_both_fit_the_days(offsets: list[int]) -> None:
    days = days_ago(*offsets)

    streaks = compute_streaks(days, TODAY)

    assert streaks.best >= streaks.current >= 0
    assert streaks.best <= len(set(days))


@given(st.lists(st.integers(0, 60)))
def test_checking_in_today_extends_the_live_streak_by_one(offsets: list[int]) -> None:
    days = [day for day in days_ago(*offsets) if day != TODAY]

    before = compute_streaks(days, TODAY)
    after = compute_streaks([*days, TODAY], TODAY)

    assert after.current == before.current + 1


# Rest days (/pause): a paused day neither breaks nor extends a streak.


def test_a_pause_between_two_runs_joins_them() -> None:
    done = days_ago(0, 1, 5, 6)
    assert compute_streaks(done, TODAY, [(TODAY - timedelta(4), TODAY - timedelta(2))]) == (4, 4)


def test_a_pause_does_not_add_days_to_the_streak() -> None:
    pause = (TODAY - timedelta(3), TODAY - timedelta(1))
    assert compute_streaks(days_ago(4, 5), TODAY, [pause]) == Streaks(2, 2)


def test_a_check_in_on_a_paused_day_does_not_extend_the_streak() -> None:
    pause = (TODAY - timedelta(1), TODAY - timedelta(1))
    assert compute_streaks(days_ago(1, 2), TODAY, [pause]) == Streaks(1, 1)


def test_an_ongoing_pause_keeps_the_run_alive_today() -> None:
    assert compute_streaks(days_ago(3, 4), TODAY, [(TODAY - timedelta(2), None)]) == Streaks(2, 2)


def test_the_first_day_after_a_pause_without_a_check_in_does_not_break_yet() -> None:
    pause = (TODAY - timedelta(2), TODAY - timedelta(1))
    assert compute_streaks(days_ago(3), TODAY, [pause]) == Streaks(1, 1)


def test_a_missed_day_after_a_pause_breaks_the_run() -> None:
    pause = (TODAY - timedelta(3), TODAY - timedelta(2))
    assert compute_streaks(days_ago(4), TODAY, [pause]) == Streaks(0, 1)


def _reference(done: set[date], paused: set[date], today: date) -> Streaks:
    """Walk the calendar day by day, leaving paused days out: slow and obviously right."""
    open_days = [
        today - timedelta(days=n) for n in range(80) if today - timedelta(days=n) not in paused
    ][::-1]
    marks = [day in done for day in open_days]
    best = run = 0
    for mark in marks:
        run = run + 1 if mark else 0
        best = max(best, run)
    current = 0
    tail = marks if not marks or marks[-1] or open_days[-1] != today else marks[:-1]
    for mark in reversed(tail):
        if not mark:
            break
        current += 1
    return Streaks(current, best)


offsets = st.sets(st.integers(min_value=0, max_value=60), max_size=40)
periods = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=10)),
    max_size=4,
)


@given(offsets, periods)
def test_streaks_with_pauses_match_a_calendar_walk(
    done_offsets: set[int], pause_specs: list[tuple[int, int]]
) -> None:
    pauses = [
        (TODAY - timedelta(days=start), TODAY - timedelta(days=max(0, start - length)))
        for start, length in pause_specs
    ]
    paused = {
        start + timedelta(days=n) for start, end in pauses for n in range((end - start).days + 1)
    }
    done = set(days_ago(*done_offsets))
    assert compute_streaks(done, TODAY, pauses) == _reference(done, paused, TODAY)


@given(offsets, st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=20))
def test_inserting_a_pause_into_a_history_changes_no_streak(
    done_offsets: set[int], length: int, at: int
) -> None:
    # Shift every check-in older than `at` back by `length` days and pause the gap. The gap
    # starts at yesterday at the latest: today has its own rule (not yet logged breaks nothing),
    # which a shift would move onto a day where it does not hold.
    shifted = {n if n < at else n + length for n in done_offsets}
    pause = (TODAY - timedelta(days=at + length - 1), TODAY - timedelta(days=at))
    before = compute_streaks(days_ago(*done_offsets), TODAY)
    assert compute_streaks(days_ago(*shifted), TODAY, [pause]) == before


@given(offsets)
def test_no_pause_is_the_old_rule(done_offsets: set[int]) -> None:
    done = set(days_ago(*done_offsets))
    assert compute_streaks(done, TODAY, []) == _reference(done, set(), TODAY)
