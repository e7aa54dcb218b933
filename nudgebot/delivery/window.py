"""How far ahead the engine claims and hands sends out: Little's law over rate and round trip."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

# Below this the pipe runs dry between two claim passes at low rates (30/s x 50 ms is 1.5).
WINDOW_FLOOR = 8
# Claimed ahead = this many times what is on the wire: room for the claim and record passes.
HEADROOM = 2.0
# Before the first answer: a guess on the slow side of Telegram's usual 20-100 ms.
FIRST_ROUND_TRIP = 0.1
# Weight of each new round trip in the moving average (about the last ten sends count).
SMOOTHING = 0.2
# The least round trip is the least seen in the last one to two of these (as BBR keeps it).
LEAST_WINDOW_SECONDS = 10.0
# Sends handed over and unanswered: rate x least round trip, where the rate is what is being
# answered now times PROBE_GAIN (so it doubles until the limiter's rate is reached), at most
# the limiter's rate times IN_FLIGHT_GAIN, and never fewer than IN_FLIGHT_FLOOR.
PROBE_GAIN = 2.0
IN_FLIGHT_GAIN = 1.25
IN_FLIGHT_FLOOR = 4
# The round trip the in-flight limit assumes is never below this: the engine hands sends out
# between its claim and record passes, which take tens of milliseconds, so with a 5 ms network
# (a local Bot API server) the least round trip alone would starve the pipe between passes
# (bench/tick.py drained 256 nudges/s instead of thousands). Telegram's own is 20-200 ms.
LEAST_ROUND_TRIP_FLOOR = 0.05
# Answers are counted per interval; the best of the last few intervals is the answered rate.
RATE_INTERVAL_SECONDS = 0.1
RATE_INTERVALS = 10
# The pacer saves up at most this much time's worth of sends while nothing waits.
BURST_SECONDS = 0.05


def window_ceiling(concurrency: int) -> int:
    """The most the window may hold: twice the send concurrency.

    Up to the concurrency is on the wire; the rest waits to be marked or recorded. A window of
    the concurrency alone left no room for those while the wire was full, so sends waited on
    claims (bench/delivery.py on PostgreSQL: 2,400 nudges/s against 2,650 with this).
    """
    return max(1, math.ceil(HEADROOM * concurrency))


def claim_window(rate: float, round_trip: float, *, ceiling: int, floor: int = WINDOW_FLOOR) -> int:
    """Messages to hold claimed and unrecorded: max(floor, 2 x rate x round trip), at most
    `ceiling` (`window_ceiling` of the send concurrency), never below 1.

    By Little's law rate x round trip messages are on the wire when sends leave at `rate`; the
    rest of the window covers claiming and recording. Claims never handed to the transport are
    released after a crash, so the window bounds the work a crash leaves, not the loss.
    """
    return _bounded(HEADROOM * max(rate, 0.0) * max(round_trip, 0.0), floor, ceiling)


def in_flight_limit(
    rate: float,
    answered_rate: float,
    least_round_trip: float,
    *,
    ceiling: int,
    floor: int = IN_FLIGHT_FLOOR,
) -> int:
    """Sends to hand to the transport before they are answered: min(1.25 x rate, 2 x answered
    rate) x the least round trip (what the network holds, by Little's law), at least `floor`,
    at most `ceiling`.

    The answered rate, not only the limiter's: a process short of CPU cannot send at the
    limiter's rate, and what it hands over beyond what it answers waits inside it, marked, to
    turn 'unknown' in a crash. The least round trip, not the average, for the same reason: a
    busy process makes every answer look late.
    """
    pace = min(IN_FLIGHT_GAIN * max(rate, 0.0), PROBE_GAIN * max(answered_rate, 0.0))
    return _bounded(pace * max(least_round_trip, LEAST_ROUND_TRIP_FLOOR), floor, ceiling)


def _bounded(wanted: float, floor: int, ceiling: int) -> int:
    if not math.isfinite(wanted):
        return max(1, ceiling)
    return max(1, min(ceiling, max(floor, math.ceil(wanted))))


class RoundTrip:
    """Send round trips in seconds: their moving average, and the least of the last 10-20 s."""

    __slots__ = ("_clock", "_earlier", "_latest", "_since", "seconds")

    def __init__(self, clock: Callable[[], float], first: float = FIRST_ROUND_TRIP) -> None:
        self._clock = clock
        self.seconds = first
        self._earlier = first  # the least of the window before
        self._latest = math.inf  # the least of this window
        self._since = clock()

    @property
    def least(self) -> float:
        return min(self._earlier, self._latest)

    def observe(self, seconds: float) -> None:
        if not (seconds >= 0 and math.isfinite(seconds)):
            return
        self.seconds += SMOOTHING * (seconds - self.seconds)
        now = self._clock()
        if now - self._since >= LEAST_WINDOW_SECONDS:
            # A network that got slower is believed within two windows.
            self._earlier, self._latest, self._since = self._latest, math.inf, now
        self._latest = min(self._latest, seconds)


class AnsweredRate:
    """Answers per second: the best of the last RATE_INTERVALS intervals (0 before any)."""

    __slots__ = ("_clock", "_count", "_rates", "_start")

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._start = clock()
        self._count = 0
        self._rates: deque[float] = deque(maxlen=RATE_INTERVALS)

    def _roll(self) -> None:
        now = self._clock()
        elapsed = now - self._start
        if elapsed >= RATE_INTERVAL_SECONDS:
            self._rates.append(self._count / elapsed)
            self._start, self._count = now, 0

    def observe(self) -> None:
        self._roll()
        self._count += 1

    @property
    def per_second(self) -> float:
        self._roll()
        return max(self._rates, default=0.0)


class Pacer:
    """Hands out sends at `rate` per second (a token bucket of `BURST_SECONDS` at most).

    The engine marks a claim as handed to the transport just before its send goes out, so the
    marking must follow the pace the rate limiter keeps: claims marked too early would wait in
    the limiter and count as 'maybe sent' after a crash.
    """

    __slots__ = ("_capacity", "_clock", "_rate", "_stamp", "_tokens")

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        self._rate = rate
        self._capacity = max(1.0, rate * BURST_SECONDS)
        self._clock = clock
        self._tokens = 1.0
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def take(self, most: int) -> int:
        """Take up to `most` whole sends that may go out now; returns how many."""
        self._refill()
        taken = max(0, min(most, math.floor(self._tokens)))
        self._tokens -= taken
        return taken

    def give_back(self, count: int) -> None:
        """Return sends taken but not used (a claim found fewer messages than it could mark)."""
        self._tokens = min(self._capacity, self._tokens + max(0, count))

    def wait_for_next(self) -> float:
        """Seconds until at least one send may go out (0 when one may now)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate
