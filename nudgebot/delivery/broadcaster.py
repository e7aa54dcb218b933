"""Drives one broadcast to its end with the bot's own delivery engine, reporting progress."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from nudgebot.clock import Clock
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.services.broadcasts import BroadcastService, Recorded, Tally

PROGRESS_SECONDS = 5.0
# Longest nap while recipients wait for their retry time, so progress and stops stay prompt.
MAX_NAP_SECONDS = 5.0


class Broadcaster:
    """Ticks the engine until no recipient of the broadcast is left waiting.

    The engine claims in the ledger before it sends, so stopping this at any point (even kill -9)
    and running it again never sends anyone a second copy.
    """

    def __init__(
        self,
        engine: DeliveryEngine,
        service: BroadcastService,
        clock: Clock,
        say: Callable[[str], None],
    ) -> None:
        self._engine = engine
        self._service = service
        self._clock = clock
        self._say = say
        self._stop = asyncio.Event()
        self._stopping: asyncio.Task[None] | None = None

    def stop(self) -> None:
        """Finish and record the batch in flight, then return: nothing is left half-done."""
        self._stop.set()
        # The engine checks its flag between batches; its stop() sets that flag at once.
        self._stopping = asyncio.get_running_loop().create_task(self._engine.stop())

    async def run(self, broadcast: Recorded) -> Tally:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self.stop)
        progress = asyncio.create_task(self._report(broadcast))
        try:
            while True:
                await self._engine.tick()
                tally = await self._service.tally(broadcast)
                if tally.waiting == 0 or self._stop.is_set():
                    return tally
                await self._nap(broadcast)
        finally:
            progress.cancel()
            for signum in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(signum)

    async def _nap(self, broadcast: Recorded) -> None:
        # What is left waits for a retry time (or is locked by another sender): sleep until then.
        retry_at = await self._service.next_retry_at(broadcast)
        nap = MAX_NAP_SECONDS
        if retry_at is not None:
            nap = min(max((retry_at - self._clock.now()).total_seconds(), 0.1), MAX_NAP_SECONDS)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), nap)

    async def _report(self, broadcast: Recorded) -> None:
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            try:
                tally = await self._service.tally(broadcast)
            except SQLAlchemyError:
                continue  # only the progress line is late; the engine has its own retries
            self._say(
                f"broadcast {broadcast.id}: {tally.done} of {tally.recipients} done "
                f"({tally.summary()})"
            )
