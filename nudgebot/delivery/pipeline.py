"""One drain of the due queue: claims, sends and records overlap, so the pipe stays full."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from nudgebot.delivery.report import TickReport
from nudgebot.domain.deliveries import Claim, ClaimCounts, SendResult
from nudgebot.domain.statuses import DeliveryStatus

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.25
# Sends started per pass of the event loop: each first step costs CPU, and starting a whole
# batch at once holds every other task up.
START_SLICE = 32


class Stages(Protocol):
    """What a drain needs from the engine: claim, send and record, and whether to stop."""

    @property
    def stopping(self) -> bool: ...

    async def claim(self, counts: ClaimCounts, limit: int, *, first: bool) -> list[Claim]: ...

    async def send(self, claim: Claim) -> SendResult: ...

    async def record(self, results: list[SendResult]) -> None: ...


class Pipeline:
    """At most `window` messages are ever claimed and not yet recorded.

    A crash can only turn those into 'unknown' (their lease runs out), so a kill costs at most
    that many, and memory stays flat however many are due.
    """

    def __init__(self, stages: Stages, report: TickReport, *, window: int, batch_size: int):
        self._stages = stages
        self._report = report
        self._window = max(1, window)
        self._chunk = max(1, min(batch_size, self._window))
        # Claim again once a quarter of the window is free: fewer, fuller transactions.
        self._low_water = max(1, self._chunk // 4)
        self._open = 0  # claimed and not yet recorded
        self._finished: list[SendResult] = []
        self._ready = asyncio.Event()  # results are waiting to be recorded
        self._room = asyncio.Event()  # the window has room again
        self._sends: set[asyncio.Task[None]] = set()
        self._done = False
        self._record_error: SQLAlchemyError | None = None

    async def run(self) -> None:
        recorder = asyncio.create_task(self._record_loop())
        try:
            await self._claim_loop()
        finally:
            # Whatever stopped the claims, what was claimed is sent and recorded.
            while self._sends:
                await asyncio.gather(*self._sends, return_exceptions=True)
            self._done = True
            self._ready.set()
            await recorder
        if self._record_error is not None:
            raise self._record_error

    async def _claim_loop(self) -> None:
        stages, report = self._stages, self._report
        first = True
        while not stages.stopping and self._record_error is None:
            room = self._window - self._open
            if room < self._low_water:
                self._room.clear()
                await self._room.wait()
                continue
            counts = ClaimCounts()
            claims = await stages.claim(counts, min(room, self._chunk), first=first)
            first = False
            report.expired += counts.expired
            report.stale_unknown += counts.stale_unknown
            if not claims:
                if counts.expired:
                    continue
                return
            report.batches += 1
            report.claimed += len(claims)
            self._open += len(claims)
            for started, claim in enumerate(claims):
                if started and started % START_SLICE == 0:
                    # A new task's first step runs at once, all of them in one pass of the
                    # loop: a whole batch starting together held every other task up.
                    await asyncio.sleep(0)
                task = asyncio.create_task(self._send(claim))
                self._sends.add(task)
                task.add_done_callback(self._sends.discard)

    async def _send(self, claim: Claim) -> None:
        try:
            result = await self._stages.send(claim)
        except Exception as error:
            # A bug must not stop the batch; 'unknown' is never resent, and it is counted.
            log.exception("sending %s failed unexpectedly", claim.kind)
            result = SendResult(claim, DeliveryStatus.UNKNOWN, error=f"unexpected: {error!r}")
        self._finished.append(result)
        if len(self._finished) >= self._low_water:
            self._ready.set()

    async def _record_loop(self) -> None:
        # Record when a quarter of the window has finished, or every FLUSH_SECONDS, so a crash
        # leaves few sent messages unrecorded and the window reopens quickly.
        while True:
            if not self._finished:
                if self._done:
                    return
                self._ready.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._ready.wait(), FLUSH_SECONDS)
                continue
            batch, self._finished = self._finished, []
            if self._record_error is None:
                try:
                    await self._stages.record(batch)
                    self._report.add(batch)
                except SQLAlchemyError as error:
                    # Their claims stay 'claimed' and turn 'unknown' with the lease: never resent.
                    self._record_error = error
            self._open -= len(batch)
            self._room.set()
