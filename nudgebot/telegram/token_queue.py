"""Token bucket and the queue that hands its tokens out: interactive first, bulk never starved."""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

__all__ = ["EPSILON", "Ticket", "TokenBucket", "TokenQueue"]

# Float rounding can leave a wait of 1e-17 s that no clock can measure; such a wait is none.
EPSILON: Final = 1e-9


@dataclass(slots=True)
class TokenBucket:
    """Token bucket that starts with `capacity` tokens (the burst), not a second's worth."""

    rate: float
    capacity: float
    tokens: float
    stamp: float | None = None

    def delay(self, now: float) -> float:
        if self.stamp is None or now >= self.stamp:
            if self.stamp is not None:
                self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        # A stamp in the future is the end of a halt: nothing refills before it.
        wait_refill = max(0.0, self.stamp - now)
        missing = 1 - self.tokens
        return wait_refill + (0.0 if missing <= EPSILON else missing / self.rate)

    def empty_until(self, until: float) -> None:
        """After a 429: one send at `until`, then the rate; nothing saved up during the halt,
        so no burst meets Telegram the moment it reopens."""
        self.tokens = 1.0
        self.stamp = max(self.stamp or until, until)


@dataclass(slots=True, eq=False)
class Ticket:
    """One waiter's place: resolved when a token is spent for it."""

    bulk: bool
    granted: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class TokenQueue:
    """Hands out a bucket's tokens one at a time: interactive waiters before bulk ones, each
    class in arrival order. While both wait, bulk still gets at least `bulk_share` of the
    tokens, so a flood of replies slows the scheduled sends but never stops them.

    No task polls: one timer is set for the moment the next token is due. `not_before` is the
    end of a 429 halt (it only ever moves later); `clock` must be the event loop's clock.
    """

    __slots__ = ("_bucket", "_bulk_after", "_clock", "_not_before", "_passed", "_timer", "_waiting")

    def __init__(
        self,
        bucket: TokenBucket,
        not_before: Callable[[], float],
        clock: Callable[[], float],
        bulk_share: float,
    ) -> None:
        if not 0 < bulk_share <= 1:
            raise ValueError("bulk_share must be above 0 and at most 1")
        self._bucket = bucket
        self._not_before = not_before
        self._clock = clock
        # Interactive tokens in a row while bulk waits, before bulk gets the next one.
        self._bulk_after = math.ceil(1 / bulk_share - EPSILON) - 1
        self._passed = 0
        self._timer: asyncio.TimerHandle | None = None
        self._waiting: tuple[deque[Ticket], deque[Ticket]] = (deque(), deque())

    @property
    def bucket(self) -> TokenBucket:
        return self._bucket

    @property
    def waiting(self) -> int:
        """Waiters not yet served (a cancelled one counts until it reaches the front)."""
        return len(self._waiting[0]) + len(self._waiting[1])

    def try_take(self) -> bool:
        """Spend a token now if nobody waits and one is available (no ticket, no yield)."""
        if self.waiting or self._wait(self._clock()) > EPSILON:
            return False
        self._bucket.tokens -= 1
        return True

    def enqueue(self, bulk: bool) -> Ticket:
        """Join the queue; await the ticket's `granted` future for the token."""
        ticket = Ticket(bulk)
        self._waiting[bulk].append(ticket)
        self._hand_out()
        return ticket

    def promote(self, ticket: Ticket) -> None:
        """A bulk waiter becomes interactive (a reply waits behind it in the same chat)."""
        if not ticket.bulk or ticket.granted.done():
            return
        self._waiting[True].remove(ticket)
        ticket.bulk = False
        self._waiting[False].append(ticket)
        self._hand_out()

    def _wait(self, now: float) -> float:
        return max(self._not_before() - now, self._bucket.delay(now))

    def _on_timer(self) -> None:
        self._timer = None
        self._hand_out()

    def _hand_out(self) -> None:
        while self._drop_abandoned():
            wait = self._wait(self._clock())
            if wait > EPSILON:
                # A halt that grew meanwhile only makes the timer fire early: it looks again.
                if self._timer is None:
                    self._timer = asyncio.get_running_loop().call_later(wait, self._on_timer)
                return
            self._bucket.tokens -= 1
            self._next().granted.set_result(None)

    def _drop_abandoned(self) -> bool:
        """Forget cancelled waiters at the fronts; whether anyone still waits."""
        for queue in self._waiting:
            while queue and queue[0].granted.done():
                queue.popleft()
        return bool(self.waiting)

    def _next(self) -> Ticket:
        interactive, bulk = self._waiting
        if interactive and (not bulk or self._passed < self._bulk_after):
            self._passed = self._passed + 1 if bulk else 0
            return interactive.popleft()
        self._passed = 0
        return bulk.popleft()
