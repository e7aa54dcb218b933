"""The start-up retry schedule: 1 s, doubling up to 60 s, each delay jittered by up to 20 %."""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import count
from typing import Final

FIRST_DELAY: Final = 1.0
MOST_DELAY: Final = 60.0
# Spread so that many bots started by one outage's end (a fleet, a reboot) do not all ask at once.
JITTER: Final = 0.2
# 2**6 s is past the cap already; a higher exponent would only risk overflow.
_LAST_DOUBLING: Final = 6


def nominal_delay(attempt: int) -> float:
    """The delay after failed attempt number `attempt` (0, 1, 2, ...) before jitter."""
    return min(MOST_DELAY, FIRST_DELAY * 2.0 ** min(attempt, _LAST_DOUBLING))


def backoff_delay(attempt: int, draw: float) -> float:
    """The jittered delay for `attempt`, `draw` a uniform number in [0, 1); never over 60 s."""
    spread = 1.0 - JITTER + 2.0 * JITTER * draw
    return min(MOST_DELAY, nominal_delay(attempt) * spread)


def backoff_delays(rng: random.Random | None = None) -> Iterator[float]:
    """The endless schedule of waits between attempts: about 1, 2, 4, 8, ... 60, 60, ..."""
    rng = rng or random.Random()  # spreads retries; nothing secret depends on it
    for attempt in count():
        yield backoff_delay(attempt, rng.random())
