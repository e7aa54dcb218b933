"""Claim window and sends on the wire sized by Little's law from the rate and the round trip."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from nudgebot.delivery.options import PAID_BROADCAST_RATE, EngineOptions
from nudgebot.delivery.window import (
    IN_FLIGHT_FLOOR,
    LEAST_ROUND_TRIP_FLOOR,
    LEAST_WINDOW_SECONDS,
    RATE_INTERVAL_SECONDS,
    WINDOW_FLOOR,
    AnsweredRate,
    Pacer,
    RoundTrip,
    claim_window,
    in_flight_limit,
    window_ceiling,
)
from nudgebot.telegram.rate_limiter import paid_bucket

rates = st.floats(min_value=0.1, max_value=100_000, allow_nan=False)
round_trips = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)
ceilings = st.integers(min_value=1, max_value=1024)


@given(rates, round_trips, ceilings)
def test_the_window_is_never_below_the_floor_nor_above_the_concurrency(
    rate: float, round_trip: float, ceiling: int
) -> None:
    window = claim_window(rate, round_trip, ceiling=ceiling)
    assert min(WINDOW_FLOOR, ceiling) <= window <= ceiling


@given(rates, round_trips, ceilings)
def test_the_window_holds_twice_what_the_rate_puts_on_the_wire_unless_capped(
    rate: float, round_trip: float, ceiling: int
) -> None:
    window = claim_window(rate, round_trip, ceiling=ceiling)
    assert window == ceiling or window >= 2 * rate * round_trip


@given(rates, rates, round_trips, ceilings)
def test_a_faster_rate_never_shrinks_the_window(
    one: float, other: float, round_trip: float, ceiling: int
) -> None:
    slow, fast = sorted((one, other))
    assert claim_window(slow, round_trip, ceiling=ceiling) <= claim_window(
        fast, round_trip, ceiling=ceiling
    )


def test_at_the_defaults_a_crash_can_cost_at_most_eight() -> None:
    # 30 messages/s, 50 ms round trip, concurrency 64: today's window was 64.
    assert claim_window(30, 0.05, ceiling=64) == 8


def test_at_a_thousand_a_second_the_window_is_a_hundred_not_the_concurrency() -> None:
    assert claim_window(1000, 0.05, ceiling=window_ceiling(256)) == 100


def test_a_full_wire_leaves_as_much_again_to_wait_for_marking_and_recording() -> None:
    # At concurrency 256 a window of 256 left nothing beside a full wire: sends waited on claims.
    assert window_ceiling(256) == 512
    assert claim_window(100_000, 0.05, ceiling=window_ceiling(256)) == 512


@given(rates, round_trips, ceilings)
def test_sends_handed_over_cover_the_limiters_rate_once_answers_keep_up(
    rate: float, round_trip: float, ceiling: int
) -> None:
    limit = in_flight_limit(rate, rate, round_trip, ceiling=ceiling)
    assert 1 <= limit <= ceiling
    assert limit == ceiling or limit >= rate * round_trip


@given(rates, rates, round_trips, ceilings)
def test_sends_handed_over_at_most_double_what_is_answered(
    rate: float, answered: float, round_trip: float, ceiling: int
) -> None:
    limit = in_flight_limit(rate, answered, round_trip, ceiling=ceiling)
    assumed = max(round_trip, LEAST_ROUND_TRIP_FLOOR)
    assert limit <= max(min(IN_FLIGHT_FLOOR, ceiling), math.ceil(2 * answered * assumed))


def test_a_network_faster_than_the_engines_passes_counts_as_fifty_ms() -> None:
    # A local Bot API answering in 5 ms: 2 x 1,000/s x 5 ms would be 10 in flight, too few to
    # keep the pipe full between two passes of the engine over the database.
    assert in_flight_limit(1000, 1000, 0.005, ceiling=256) == in_flight_limit(
        1000, 1000, 0.05, ceiling=256
    )


def test_before_any_answer_only_a_few_sends_are_handed_over() -> None:
    assert in_flight_limit(1000, 0.0, 0.05, ceiling=256) == IN_FLIGHT_FLOOR


def test_at_a_thousand_a_second_answered_sends_on_the_wire_are_a_quarter_more_than_needed() -> None:
    assert in_flight_limit(1000, 1000, 0.05, ceiling=256) == 63


def test_the_least_round_trip_follows_a_faster_answer_at_once_and_a_slower_network_later() -> None:
    now = [0.0]
    trips = RoundTrip(lambda: now[0], first=0.1)
    trips.observe(0.05)
    assert trips.least == 0.05
    for _ in range(10):
        trips.observe(0.5)
    assert trips.least == 0.05
    assert trips.seconds > 0.3
    for _ in range(2):
        now[0] += LEAST_WINDOW_SECONDS
        trips.observe(0.5)
    assert trips.least == 0.5


def test_the_answered_rate_is_the_best_recent_interval() -> None:
    now = [0.0]
    answered = AnsweredRate(lambda: now[0])
    assert answered.per_second == 0.0
    for _ in range(10):
        answered.observe()
    now[0] = RATE_INTERVAL_SECONDS
    assert math.isclose(answered.per_second, 10 / RATE_INTERVAL_SECONDS)
    answered.observe()
    now[0] = 2 * RATE_INTERVAL_SECONDS
    assert math.isclose(answered.per_second, 10 / RATE_INTERVAL_SECONDS)


def test_the_pacer_hands_out_the_rate_and_no_more() -> None:
    now = [0.0]
    pacer = Pacer(100, lambda: now[0])
    assert pacer.take(10) == 1  # one at once, then the rate
    assert pacer.take(10) == 0
    assert math.isclose(pacer.wait_for_next(), 0.01)
    now[0] = 0.03
    assert pacer.take(10) == 3
    now[0] = 10.0  # a long idle spell saves up only a short burst
    assert pacer.take(1000) == 5


def test_sends_taken_and_not_used_are_given_back() -> None:
    now = [0.0]
    pacer = Pacer(100, lambda: now[0])
    now[0] = 0.05
    assert pacer.take(5) == 5
    pacer.give_back(3)
    assert pacer.take(5) == 3


def test_paid_broadcasts_are_paced_at_the_rate_the_limiters_paid_bucket_refills() -> None:
    # Marked faster than the limiter lets them out, sends would wait in it, marked.
    options = EngineOptions(paid_broadcast=True, send_rate=30)
    assert options.bulk_rate == paid_bucket(PAID_BROADCAST_RATE)[0] == 985
    assert EngineOptions(send_rate=30).bulk_rate == 30
