"""The delivery engine: one clock for all subscribers, each tick drains everything that is due."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, TelegramError

from nudgebot.clock import Clock
from nudgebot.db import ledger
from nudgebot.db.engine import READ_ONLY
from nudgebot.db.types import UTCDateTime
from nudgebot.delivery.journal import SendJournal, Witness
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.outcomes import result_of_error, retry_delay
from nudgebot.delivery.pipeline import Pipeline
from nudgebot.delivery.report import TickReport
from nudgebot.delivery.source import Source
from nudgebot.delivery.step import FixedStep, Step
from nudgebot.delivery.window import (
    AnsweredRate,
    Pacer,
    RoundTrip,
    claim_window,
    in_flight_limit,
    window_ceiling,
)
from nudgebot.delivery.writer import Writer
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest, SendResult
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.telegram import handover

log = logging.getLogger(__name__)


class DeliveryEngine:
    """Claims what its sources have due, sends it under the rate limit, records every result."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bot: Bot,
        clock: Clock,
        options: EngineOptions,
        sources: Sequence[Source],
        *,
        observer: Callable[[TickReport, float], None] | None = None,
    ) -> None:
        self._sessions = sessions
        # Claimed in this order, each in the room the ones before it left in a batch.
        self._sources: dict[str, Source] = {source.kind: source for source in sources}
        # Everything every tick of this engine did, for metrics and tests.
        self.totals = TickReport()
        # Told each finished pass and its duration in seconds (metrics, health); must not raise.
        self._observer = observer
        self._bot = bot
        self._clock = clock
        self._options = options
        self._replica = uuid.uuid4().hex
        self._limit = asyncio.Semaphore(options.concurrency)
        self._writer = Writer(sessions, clock, self._claim, attempts=options.record_attempts)
        # What this engine handed to the transport and what came back; the journals that dead
        # engines left, read when their claims are settled, then removed.
        directory = options.journal_dir
        self._journal = None if directory is None else SendJournal(directory, self._replica)
        self._witness = None if directory is None else Witness(directory)
        self._settled: list[str] = []  # dead engines whose journals go once the settle commits
        # Sizes the claim window (Little's law); kept across ticks, as the network is.
        self.round_trip = RoundTrip(time.monotonic)
        self.answered = AnsweredRate(time.monotonic)
        # Hands claims to the transport at the rate the limiter lets them through.
        self._pacer = Pacer(options.bulk_rate, time.monotonic)
        self._draining: asyncio.Task[TickReport] | None = None
        self._again = False
        self._stopping = False
        self._probe: Select[tuple[bool]] | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def claims_beside(self) -> bool:
        return self._writer.claims_beside

    async def kick(self) -> None:
        """Start draining, or ask the running drain to look again: never skipped, never doubled."""
        if self._draining is not None and not self._draining.done():
            self._again = True
            return
        self._draining = asyncio.create_task(self._drain_until_quiet())

    async def wait_idle(self) -> None:
        if self._draining is not None:
            await asyncio.shield(self._draining)

    async def stop(self, deadline: float = 30.0) -> None:
        """Take no new batch; let the one in flight finish and be recorded, within a deadline."""
        self._stopping = True
        if self._draining is None or self._draining.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._draining), deadline)
        except TimeoutError:
            # Claims left behind turn 'unknown' when their lease runs out: never resent.
            self._draining.cancel()

    async def _drain_until_quiet(self) -> TickReport:
        report = TickReport()
        while True:
            self._again = False
            try:
                report = await self.tick()
            except (SQLAlchemyError, OSError) as error:
                # Nothing was sent without a committed claim; the next tick tries again.
                log.warning("tick failed, will retry on the next tick: %s", type(error).__name__)
            if not self._again or self._stopping:
                return report

    async def tick(self) -> TickReport:
        """Deliver everything due now; returns what happened."""
        report = TickReport()
        started = time.perf_counter()
        pipeline = Pipeline(self, report, pacer=self._pacer, batch_size=self._options.batch_size)
        try:
            async with self._writer.hold():
                await pipeline.run()
            if self._journal is not None:
                self._journal.clear()  # all its claims are recorded
        finally:
            self.totals.merge(report)
        settled = report.stale_unknown or report.released or report.recovered
        if report.claimed or report.expired or settled:
            log.info("tick: %s", report.summary())
        if self._observer is not None:
            self._observer(report, time.perf_counter() - started)
        return report

    def _due_probe(self) -> Select[tuple[bool]]:
        # One statement instead of one per source: most ticks find nothing, and this keeps an
        # idle tick cheap however many sources there are. Built once with bound parameters,
        # so SQLAlchemy compiles it and computes its cache key once, not on every tick.
        if self._probe is None:
            now = bindparam("probe_now", type_=UTCDateTime())
            claimed_before = bindparam("probe_claimed_before", type_=UTCDateTime())
            probes = [ledger.due(now, claimed_before, tuple(self._sources))]
            probes += [source.due(now) for source in self._sources.values()]
            self._probe = select(or_(*probes))
        return self._probe

    async def anything_due(self) -> bool:
        """Whether a pass would find work now: `deliver --once` skips Telegram when it would not."""
        return await self._anything_due(self._clock.now())

    async def _anything_due(self, now: datetime) -> bool:
        params = {"probe_now": now, "probe_claimed_before": now - self._options.lease}
        async with self._sessions() as session:
            # A read: on SQLite it needs no write lock, so it never waits behind a writer.
            await session.connection(execution_options=READ_ONLY)
            return bool(await session.scalar(self._due_probe(), params))

    def window(self) -> int:
        """Messages to hold claimed and unrecorded: from the rate and the measured round trip."""
        return claim_window(
            self._options.bulk_rate,
            self.round_trip.seconds,
            ceiling=window_ceiling(self._options.concurrency),
        )

    def in_flight(self) -> int:
        """Sends to hand to the transport before answers come back: from rate and round trip."""
        return in_flight_limit(
            self._options.bulk_rate,
            self.answered.per_second,
            self.round_trip.least,
            ceiling=self._options.concurrency,
        )

    async def claim(
        self, counts: ClaimCounts, limit: int, *, first: bool = False, attempt: int = 0
    ) -> list[Claim]:
        """Claim up to `limit` messages: retries first, then each source in turn; the first
        `attempt` of them are marked as handed to the transport: the caller sends them at once."""
        return await self.write(FixedStep(claim=limit, attempt=attempt, first=first), counts)

    async def record(self, results: Sequence[SendResult], attempted: Sequence[Claim] = ()) -> None:
        """Write a batch of results and mark the `attempted` claims, in one transaction."""
        await self.write(FixedStep(list(results), list(attempted)), ClaimCounts())

    async def write(self, step: Step, counts: ClaimCounts, *, beside: bool = False) -> list[Claim]:
        """One write pass (`Writer.write`); a drain's first claim probes first, and opens the
        claims' connection before any send."""
        if step.first:
            if not await self._anything_due(self._clock.now()):
                return []
            await self._writer.ready()
        claims = await self._writer.write(step, counts, beside=beside)
        if self._settled and self._witness is not None:
            self._witness.remove(self._settled)
            self._settled = []
        return claims

    async def _claim(
        self, session: AsyncSession, counts: ClaimCounts, limit: int, first: bool
    ) -> list[Claim]:
        now = self._clock.now()
        if first:
            # Claims whose process died mid-send; in the same transaction, so an idle tick
            # costs one short write transaction.
            settled = await ledger.settle_stale_claims(
                session, now, self._options.lease, self._witness
            )
            counts.stale_unknown, counts.released, counts.recovered = settled
            if self._witness is not None:
                dead = self._witness.dead_claimers()
                still = await ledger.claimers_with_claims(session, dead)
                self._settled = [claimer for claimer in dead if claimer not in still]
        request = ClaimRequest(now, limit, self._replica, counts)
        claims = await ledger.claim_retries(
            session, request, catch_up=self._options.catch_up, kinds=tuple(self._sources)
        )
        for source in self._sources.values():
            room = limit - len(claims)
            if room <= 0:
                break
            claims += await source.claim(session, replace(request, limit=room))
        return await self._prepare(session, claims)

    async def _prepare(self, session: AsyncSession, claims: list[Claim]) -> list[Claim]:
        prepared: dict[int, Claim] = {}
        for kind, source in self._sources.items():
            mine = [claim for claim in claims if claim.kind == kind]
            if mine:
                done = await source.prepare(session, mine)
                prepared.update((claim.delivery_id, claim) for claim in done)
        return [prepared.get(claim.delivery_id, claim) for claim in claims]

    async def send(self, claim: Claim) -> SendResult:
        async with self._limit:
            started = time.perf_counter()
            journal = self._journal
            if journal is None:
                result = await self._send_to(claim, claim.chat_id)
            else:
                with handover.watch(partial(journal.handed_over, claim.delivery_id)):
                    result = await self._send_to(claim, claim.chat_id)
                journal.answered(result)
            self.answered.observe()
            if result.status == DeliveryStatus.SENT:
                self.round_trip.observe(time.perf_counter() - started)
            return result

    async def _send_to(self, claim: Claim, chat_id: int, *, migrated: bool = False) -> SendResult:
        try:
            message_id = await self._sources[claim.kind].send(self._bot, claim, chat_id)
        except ChatMigrated as error:
            if migrated:
                return SendResult(claim, DeliveryStatus.FAILED, error="chat migrated twice")
            result = await self._send_to(claim, error.new_chat_id, migrated=True)
            return replace(result, new_chat_id=error.new_chat_id)
        except TelegramError as error:
            options = self._options
            backoff = retry_delay(
                claim.attempts, options.retry_base, options.retry_max, random.uniform(0.8, 1.2)
            )
            result = result_of_error(claim, error, now=self._clock.now(), backoff=backoff)
            if isinstance(error, BadRequest) and result.subscriber_status is None:
                log.error("%s %s was refused by Telegram: %s", claim.kind, claim.tip_id, error)
            return result
        return SendResult(claim, DeliveryStatus.SENT, message_id=message_id)
