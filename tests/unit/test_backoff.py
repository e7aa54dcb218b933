"""The start-up retry schedule: doubling from 1 s, capped at 60 s, jittered within 20 %."""

from __future__ import annotations

import random
from itertools import islice

from hypothesis import given
from hypothesis import strategies as st

from nudgebot.app.backoff import (
    FIRST_DELAY,
    JITTER,
    MOST_DELAY,
    backoff_delay,
    backoff_delays,
    nominal_delay,
)

attempts = st.integers(min_value=0, max_value=10_000)
draws = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)


def test_the_nominal_delays_start_at_one_second_and_double_up_to_sixty() -> None:
    assert [nominal_delay(n) for n in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@given(attempts)
def test_each_nominal_delay_doubles_the_last_until_the_cap(attempt: int) -> None:
    following = nominal_delay(attempt + 1)
    assert following == min(MOST_DELAY, 2 * nominal_delay(attempt))


@given(attempts, draws)
def test_a_jittered_delay_stays_within_twenty_percent_of_the_nominal_one(
    attempt: int, draw: float
) -> None:
    nominal = nominal_delay(attempt)
    delay = backoff_delay(attempt, draw)
    assert nominal * (1 - JITTER) <= delay <= nominal * (1 + JITTER)


@given(attempts, draws)
def test_no_delay_is_ever_longer_than_sixty_seconds(attempt: int, draw: float) -> None:
    assert FIRST_DELAY * (1 - JITTER) <= backoff_delay(attempt, draw) <= MOST_DELAY


@given(st.integers(min_value=0, max_value=2**32))
def test_the_schedule_is_jittered_doubling_and_ends_on_the_cap(seed: int) -> None:
    delays = list(islice(backoff_delays(random.Random(seed)), 12))
    for attempt, delay in enumerate(delays):
        assert nominal_delay(attempt) * (1 - JITTER) <= delay <= MOST_DELAY
    assert delays[-1] >= MOST_DELAY * (1 - JITTER)


def test_two_bots_started_together_wait_different_times() -> None:
    first = list(islice(backoff_delays(random.Random(1)), 5))
    second = list(islice(backoff_delays(random.Random(2)), 5))
    assert first != second
