"""One drain of the due queue: one writer records, claims and marks; sends overlap its passes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from nudgebot.delivery.report import TickReport
from nudgebot.delivery.step import FixedStep, Step
from nudgebot.delivery.window import Pacer
from nudgebot.domain.deliveries import Claim, ClaimCounts, SendResult
from nudgebot.domain.statuses import DeliveryStatus

log = logging.getLogger(__name__)

# Sends started per pass of the event loop: each first step costs CPU, and starting a whole
# batch at once holds every other task up.
START_SLICE = 32


class Stages(Protocol):
    """What a drain needs from the engine: one write pass, a send, and whether to stop."""

    @property
    def stopping(self) -> bool: ...

    @property
    def claims_beside(self) -> bool:
        """Whether a claim may run beside the passes that record and mark (PostgreSQL)."""
        ...

    def window(self) -> int:
        """How many messages may be claimed and not yet recorded, now."""
        ...

    def in_flight(self) -> int:
        """How many may be handed to the transport and not yet answered, now."""
        ...

    async def write(self, step: Step, counts: ClaimCounts, *, beside: bool = False) -> list[Claim]:
        """One transaction: claim up to `step.claim`, then record and mark what `step.take`
        hands back; returns the new claims. `beside`: on the claims' own connection."""
        ...

    async def send(self, claim: Claim) -> SendResult: ...


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
        self._wake = asyncio.Event()  # an answer came back: the writer has work
        self._sends: set[asyncio.Task[None]] = set()
        self._claim: asyncio.Task[None] | None = None  # a claim running beside the passes
        self._claiming = True
        self._first = True
        # A failed pass stops claiming and marking; the sends in flight still finish.
        self._error: Exception | None = None

    async def run(self) -> None:
        try:
            while await self._pass():
                pass
        finally:
            claim = self._claim
            if claim is not None:
                # The drain was cancelled (a stop's deadline): a claim never committed is
                # nothing; one committed and never marked is released with the lease.
                claim.cancel()
                await asyncio.gather(claim, return_exceptions=True)
        if self._error is not None:
            raise self._error

    def _free(self) -> int:
        return max(0, self._stages.in_flight() - self._attempted)

    def _claim_room(self) -> int:
        """How many to claim in this pass: a full chunk, or less when the pipe needs it."""
        if not self._claiming or self._error is not None or self._claim is not None:
            return 0
        if self._stages.stopping:
            self._claiming = False
            return 0
        window = max(1, self._stages.window())
        chunk = min(self._batch_size, window)
        room = window - self._open
        if room >= chunk:
            return chunk
        # A claim lengthens the pass the answers wait in to be recorded: claim less than a
        # chunk only when fewer wait than one round trip sends, so the pipe cannot run dry.
        if room >= max(1, chunk // 4) and len(self._waiting) < self._stages.in_flight():
            return room
        return 0

    async def _pass(self) -> bool:
        """One write pass, or a wait for work; False once the drain is over."""
        if self._error is not None and self._finished:
            # Unrecorded, they turn 'unknown' with the lease: never resent.
            self._open -= len(self._finished)
            self._finished = []
        claim = self._claim_room()
        if claim and not self._first and self._stages.claims_beside:
            self._claim = asyncio.create_task(self._claim_beside(claim))
            claim = 0
        if not claim and not self._finished and not self._may_mark():
            if self._idle():
                return False
            await self._wait()
            return True
        step = _Pass(self, claim, self._first)
        counts = ClaimCounts()
        try:
            claims = await self._stages.write(step, counts)
        except (SQLAlchemyError, OSError) as error:
            # Results unrecorded turn 'unknown' with the lease: never resent. Claims never
            # marked are not sent: released with the lease, and resent.
            self._error = error
            self._claiming = False
        else:
            self._report.add(step.results)
            self._count_claims(counts, claims, claim)
            await self._start(step.marks)
            self._waiting.extend(claims[step.attempt :])
        if claim:
            self._first = False
        self._open -= len(step.results)
        return True

    async def _claim_beside(self, limit: int) -> None:
        """A claim on its own connection while the passes go on recording and marking; its
        claims join the queue when it commits."""
        counts = ClaimCounts()
        try:
            claims = await self._stages.write(FixedStep(claim=limit), counts, beside=True)
        except Exception as error:
            # Raised when the drain ends, after the sends in flight are recorded.
            self._error = error
            self._claiming = False
        else:
            self._count_claims(counts, claims, limit)
            self._waiting.extend(claims)
        finally:
            self._claim = None
            self._wake.set()

    def _may_mark(self) -> bool:
        return (
            self._error is None
            and bool(self._waiting)
            and self._free() > 0
            and self._pacer.wait_for_next() == 0
        )

    def _idle(self) -> bool:
        stuck = self._error is not None
        quiet = not self._claiming and not self._sends and self._claim is None
        return quiet and (stuck or not self._waiting)

    async def _wait(self) -> None:
        self._wake.clear()
        # Waiting claims go out when the pace allows, or when an answer frees a place.
        pace = None
        if self._waiting and self._free() and self._error is None:
            pace = self._pacer.wait_for_next()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), pace)

    def _count_claims(self, counts: ClaimCounts, claims: list[Claim], asked: int) -> None:
        report = self._report
        report.expired += counts.expired
        report.stale_unknown += counts.stale_unknown
        report.released += counts.released
        report.recovered += counts.recovered
        if claims:
            report.batches += 1
            report.claimed += len(claims)
            self._open += len(claims)
        elif asked and not (counts.expired or counts.released):
            self._claiming = False  # nothing more is due

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


class _Pass:
    """A pipeline's write pass: takes the answers and the sends the pace allows at the last
    moment, inside the transaction, so nothing that came back during the claim waits a pass."""

    def __init__(self, pipeline: Pipeline, claim: int, first: bool) -> None:
        self._pipeline = pipeline
        self.claim = claim
        self.first = first
        self.results: list[SendResult] = []  # kept across a retry: they must be recorded
        self.marks: list[Claim] = []
        self.attempt = 0  # how many of the new claims are among the marks
        self._marking = True

    def take(self, claims: list[Claim]) -> tuple[list[SendResult], list[Claim]]:
        pipeline = self._pipeline
        self.results += pipeline._finished
        pipeline._finished = []
        if not self._marking or pipeline._error is not None:
            return self.results, []
        free = pipeline._free()
        ready = pipeline._pacer.take(min(len(pipeline._waiting), free))
        self.marks = [pipeline._waiting.popleft() for _ in range(ready)]
        if not pipeline._waiting:
            # New claims go out after those already waiting.
            self.attempt = pipeline._pacer.take(min(len(claims), free - ready))
            self.marks += claims[: self.attempt]
        return self.results, self.marks

    def rolled_back(self) -> None:
        pipeline = self._pipeline
        waited = self.marks[: len(self.marks) - self.attempt]
        pipeline._waiting.extendleft(reversed(waited))
        pipeline._pacer.give_back(len(self.marks))
        self.marks, self.attempt = [], 0
        # A retry only records: the claim was rolled back with the rest.
        self.claim, self.first, self._marking = 0, False, False
