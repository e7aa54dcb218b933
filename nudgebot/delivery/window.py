"""How far ahead the engine claims and hands sends out: Little's law over rate and round trip."""

from __future__ import annotations

import math
from collections.abc import Callable

# Below this the pipe runs dry between two claim passes at low rates (30/s x 50 ms is 1.5).
WINDOW_FLOOR = 8
# Claimed ahead = this many times what is on the wire: room for the claim and record passes.
HEADROOM = 2.0
# Before the first answer: a guess on the slow side of Telegram's usual 20-100 ms.
FIRST_ROUND_TRIP = 0.1
# Weight of each new round trip in the moving average (about the last ten sends count).
SMOOTHING = 0.2
# Handed to the transport and unanswered: this many times rate x the least round trip, at least
# IN_FLIGHT_FLOOR, so sends wait on the wire rather than in a busy process after their marking.
IN_FLIGHT_GAIN = 1.25
IN_FLIGHT_FLOOR = 4
# How fast the least round trip forgets an old low, toward the average, per observation.
LEAST_DRIFT = 0.002
# The pacer saves up at most this much time's worth of sends while nothing waits.
BURST_SECONDS = 0.05


def claim_window(rate: float, round_trip: float, *, ceiling: int, floor: int = WINDOW_FLOOR) -> int:
    """Messages to hold claimed and unrecorded: max(floor, 2 x rate x round trip), at most
    `ceiling` (the send concurrency), never below 1.

    By Little's law rate x round trip messages are on the wire when sends leave at `rate`; the
    rest of the window covers claiming and recording. A crash turns at most this many into
    'unknown' even before the claims that were never sent are released.
    """
    wanted = HEADROOM * max(rate, 0.0) * max(round_trip, 0.0)
    if not math.isfinite(wanted):
        return max(1, ceiling)
    return max(1, min(ceiling, max(floor, math.ceil(wanted))))


def in_flight_limit(
    rate: float, least_round_trip: float, *, ceiling: int, floor: int = IN_FLIGHT_FLOOR
) -> int:
    """Sends to hand to the transport before the first of them is answered: 1.25 x rate x the
    least round trip (what the network holds, by Little's law), at least `floor`, at most
    `ceiling`.

    The least round trip, not the average: a busy process makes every answer look late, and
    sizing from that would hand out more, which makes them later still.
    """
    wanted = IN_FLIGHT_GAIN * max(rate, 0.0) * max(least_round_trip, 0.0)
    if not math.isfinite(wanted):
        return max(1, ceiling)
    return max(1, min(ceiling, max(floor, math.ceil(wanted))))


class RoundTrip:
    """Send round trips in seconds: their moving average and (slowly forgetting) least."""

    __slots__ = ("least", "seconds")

    def __init__(self, first: float = FIRST_ROUND_TRIP) -> None:
        self.seconds = first
        self.least = first

    def observe(self, seconds: float) -> None:
        if seconds >= 0 and math.isfinite(seconds):
            self.seconds += SMOOTHING * (seconds - self.seconds)
            self.least = min(seconds, self.least + LEAST_DRIFT * (self.seconds - self.least))


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
