"""One drain of the due queue: claims, sends and records overlap, so the pipe stays full."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from nudgebot.delivery.report import TickReport
from nudgebot.delivery.window import Pacer
from nudgebot.domain.deliveries import Claim, ClaimCounts, SendResult
from nudgebot.domain.statuses import DeliveryStatus

log = logging.getLogger(__name__)

# Sends started per pass of the event loop: each first step costs CPU, and starting a whole
# batch at once holds every other task up.
START_SLICE = 32


class Stages(Protocol):
    """What a drain needs from the engine: claim, send and record, and whether to stop."""

    @property
    def stopping(self) -> bool: ...

    def window(self) -> int:
        """How many messages may be claimed and not yet recorded, now."""
        ...

    def in_flight(self) -> int:
        """How many may be handed to the transport and not yet answered, now."""
        ...

    async def claim(
        self, counts: ClaimCounts, limit: int, *, first: bool, attempt: int
    ) -> list[Claim]: ...

    async def send(self, claim: Claim) -> SendResult: ...

    async def record(self, results: list[SendResult], attempted: list[Claim]) -> None: ...


class Pipeline:
    """At most `window()` messages are ever claimed and not yet recorded, and a claim is
    marked as handed to the transport (committed) just before its send starts, at the pace the
    rate limiter will let it through.

    A crash turns only the marked and unrecorded into 'unknown' (what was on the wire, or sent
    and about to be recorded); the claims never handed over are released for a resend. Memory
    stays flat however many are due.
    """

    def __init__(self, stages: Stages, report: TickReport, *, pacer: Pacer, batch_size: int):
        self._stages = stages
        self._report = report
        self._pacer = pacer
        self._batch_size = max(1, batch_size)
        self._open = 0  # claimed and not yet recorded
        self._attempted = 0  # handed to the transport and not yet answered
        self._waiting: deque[Claim] = deque()  # claimed, not yet handed to the transport
        self._finished: list[SendResult] = []
        self._wake = asyncio.Event()  # the ledger pass has something to write or hand out
        self._room = asyncio.Event()  # the window has room again
        self._sends: set[asyncio.Task[None]] = set()
        self._claiming = True
        self._record_error: SQLAlchemyError | None = None

    async def run(self) -> None:
        ledger = asyncio.create_task(self._ledger_loop())
        try:
            await self._claim_loop()
        finally:
            # Whatever stopped the claims, what was claimed is sent and recorded.
            self._claiming = False
            self._wake.set()
            await ledger
        if self._record_error is not None:
            raise self._record_error

    async def _claim_loop(self) -> None:
        stages, report = self._stages, self._report
        first = True
        while not stages.stopping and self._record_error is None:
            window = max(1, stages.window())
            chunk = min(self._batch_size, window)
            room = window - self._open
            # Claim again once a quarter of a chunk is free: fewer, fuller transactions.
            if room < max(1, chunk // 4):
                self._room.clear()
                await self._room.wait()
                continue
            limit = min(room, chunk)
            counts = ClaimCounts()
            # Claims already waiting go out first; otherwise the claim itself marks the ones
            # that may go out at once, sparing them a transaction.
            attempt = 0 if self._waiting else self._pacer.take(min(limit, self._free()))
            claims = await stages.claim(counts, limit, first=first, attempt=attempt)
            self._pacer.give_back(attempt - min(attempt, len(claims)))
            first = False
            report.expired += counts.expired
            report.stale_unknown += counts.stale_unknown
            report.released += counts.released
            if not claims:
                if counts.expired or counts.released:
                    continue
                return
            report.batches += 1
            report.claimed += len(claims)
            self._open += len(claims)
            self._waiting.extend(claims[attempt:])
            self._wake.set()
            await self._start(claims[:attempt])

    def _free(self) -> int:
        return max(0, self._stages.in_flight() - self._attempted)

    async def _start(self, claims: list[Claim]) -> None:
        self._attempted += len(claims)
        for started, claim in enumerate(claims):
            if started and started % START_SLICE == 0:
                # A new task's first step runs at once, all of them in one pass of the loop:
                # a whole batch starting together held every other task up.
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
        self._attempted -= 1
        self._finished.append(result)
        self._wake.set()

    def _idle(self) -> bool:
        stuck = self._record_error is not None
        return not self._claiming and not self._sends and (stuck or not self._waiting)

    async def _ledger_loop(self) -> None:
        # One writer: each pass records every result that came back and marks the claims the
        # rate will let out next, in one transaction, then starts those sends. Passes run back
        # to back while there is work (a group commit), so results wait for at most one pass
        # and few sent messages are unrecorded at any instant.
        while True:
            group: list[Claim] = []
            if self._waiting and self._record_error is None:
                ready = self._pacer.take(min(len(self._waiting), self._free()))
                group = [self._waiting.popleft() for _ in range(ready)]
            if not self._finished and not group:
                if self._idle():
                    return
                self._wake.clear()
                # Waiting claims go out when the pace allows, or when an answer frees a place.
                pace = self._pacer.wait_for_next() if self._waiting and self._free() else None
                if self._record_error is not None:
                    pace = None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), pace)
                continue
            batch, self._finished = self._finished, []
            await self._write(batch, group)

    async def _write(self, batch: list[SendResult], group: list[Claim]) -> None:
        if self._record_error is None:
            try:
                await self._stages.record(batch, group)
            except SQLAlchemyError as error:
                # Results unrecorded turn 'unknown' with the lease: never resent. The group was
                # never marked, so it is not sent: released with the lease, and resent.
                self._record_error = error
            else:
                self._report.add(batch)
                await self._start(group)
        self._open -= len(batch)
        self._room.set()
