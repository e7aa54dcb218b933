"""A wake-up call for coroutines waiting on the fake's state, set from plain sync code."""

from __future__ import annotations

import asyncio


class Wakeup:
    """Like asyncio.Condition.notify_all, but callable without holding a lock or awaiting."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[bool]] = set()

    def notify(self) -> None:
        """Wake every coroutine currently waiting."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(True)
        self._waiters.clear()

    async def wait(self, seconds: float) -> bool:
        """True when woken, False when `seconds` passed first."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        # A timer instead of asyncio.wait_for: no task per wait, which matters at bench rates.
        timer = loop.call_later(max(seconds, 0.0), _expire, waiter)
        self._waiters.add(waiter)
        try:
            return await waiter
        finally:
            timer.cancel()
            self._waiters.discard(waiter)


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)
