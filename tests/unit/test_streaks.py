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
