"""The delivery engine: claim due tips, send them under a rate limit, record every outcome."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, Select, bindparam, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from nudgebot.clock import Clock
from nudgebot.content.model import Content
from nudgebot.db import ledger, queries
from nudgebot.db.engine import READ_ONLY
from nudgebot.db.ledger import ClaimCounts, Job, Moment, Outcome
from nudgebot.db.models import DeliveryKind, DeliveryStatus, SubscriberStatus
from nudgebot.db.types import UTCDateTime
from nudgebot.render.keyboards import CHECKIN_PREFIX, Pair, as_buttons, checkin_pairs, focus_pairs
from nudgebot.telegram.aiohttp_request import is_surely_not_sent
from nudgebot.telegram.prepared_call import post_prepared
from nudgebot.telegram.rate_limiter import retry_after_seconds

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.25
# Sends started per pass of the event loop (each first step costs ~0.15 ms of CPU).
START_SLICE = 32

CALLBACK_PREFIX = CHECKIN_PREFIX


def tip_buttons(
    content: Content, delivery_id: int, focus: Sequence[str] = (), tip_id: str | None = None
) -> list[list[Pair]]:
    """The tip's check-in buttons, then one-tap buttons for the subscriber's focus habits."""
    return checkin_pairs(content, delivery_id, snooze=True) + focus_pairs(
        content, delivery_id, focus, skip=tip_id
    )


def tip_keyboard(
    content: Content, delivery_id: int, focus: Sequence[str] = (), tip_id: str | None = None
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(as_buttons(tip_buttons(content, delivery_id, focus, tip_id)))


def _keyboard_json(rows: list[list[Pair]]) -> dict[str, object]:
    """The Bot API's InlineKeyboardMarkup as plain JSON: no objects built per message."""
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


class Source(Protocol):
    """Another kind of scheduled message (reminder, summary, ...) sent by the same engine.

    It shares the ledger (one `deliveries` row per claim, with its own `kind`), the batches,
    the rate limiter and the error handling of the daily tip; it only decides what is due and
    what the message says.
    """

    @property
    def kind(self) -> str: ...

    async def claim(
        self,
        session: AsyncSession,
        now: datetime,
        *,
        limit: int,
        claimed_by: str,
        counts: ClaimCounts,
    ) -> list[Job]:
        """Claim up to `limit` due messages in the caller's transaction (ledger rows first)."""
        ...

    async def send(self, bot: Bot, job: Job, chat_id: int) -> int:
        """Send one claimed message; returns its message id, raises TelegramError."""
        ...

    def due(self, now: Moment) -> ColumnElement[bool]:
        """An SQL condition, true when `claim` would find something at `now` (one index probe).

        `now` is a bound parameter: the engine builds its idle probe once and runs it on every
        tick, so the condition must compare in SQL, never decide in Python.
        """
        ...


@dataclass(frozen=True, slots=True)
class EngineOptions:
    batch_size: int = 200
    concurrency: int = 64
    catch_up: timedelta = timedelta(hours=3)
    # Longer than any single send can take (timeouts and rate-limit waits included).
    lease: timedelta = timedelta(minutes=10)
    retry_base: timedelta = timedelta(seconds=15)
    retry_max: timedelta = timedelta(minutes=10)
    paid_broadcast: bool = False
    record_attempts: int = 5


@dataclass
class TickReport:
    """What one drain of the due queue did; printed by `nudgebot deliver --once`."""

    claimed: int = 0
    sent: int = 0
    retry: int = 0
    unknown: int = 0
    expired: int = 0
    failed: int = 0
    blocked: int = 0
    gone: int = 0
    stale_unknown: int = 0
    batches: int = 0

    def add(self, outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.status == DeliveryStatus.SENT:
                self.sent += 1
            elif outcome.status == DeliveryStatus.RETRY:
                self.retry += 1
            elif outcome.status == DeliveryStatus.UNKNOWN:
                self.unknown += 1
            elif outcome.subscriber_status == SubscriberStatus.BLOCKED:
                self.blocked += 1
            elif outcome.subscriber_status == SubscriberStatus.GONE:
                self.gone += 1
            else:
                self.failed += 1

    def merge(self, other: TickReport) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def since(self, earlier: TickReport) -> TickReport:
        """What happened between `earlier` (a copy of running totals) and now."""
        return TickReport(
            **{f.name: getattr(self, f.name) - getattr(earlier, f.name) for f in fields(self)}
        )

    def summary(self) -> str:
        return (
            f"claimed {self.claimed}, sent {self.sent}, retry later {self.retry}, "
            f"unknown {self.unknown + self.stale_unknown}, expired {self.expired}, "
            f"blocked {self.blocked}, gone {self.gone}, failed {self.failed}"
        )


class DeliveryEngine:
    """One clock for all subscribers: each tick drains everything that is due, in batches."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bot: Bot,
        content: Content,
        clock: Clock,
        options: EngineOptions | None = None,
        sources: Sequence[Source] = (),
        *,
        observer: Callable[[TickReport, float], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._sources: Mapping[str, Source] = {source.kind: source for source in sources}
        self._tip_texts: dict[tuple[str, str], str] = {}
        # Everything every tick of this engine did, for metrics and tests.
        self.totals = TickReport()
        # Told each finished pass and its duration in seconds (metrics, health); must not raise.
        self._observer = observer
        self._bot = bot
        self._content = content
        self._clock = clock
        self._options = options or EngineOptions()
        self._replica = uuid.uuid4().hex
        self._limit = asyncio.Semaphore(self._options.concurrency)
        self._draining: asyncio.Task[TickReport] | None = None
        self._again = False
        self._stopping = False
        self._probe: Select[tuple[bool]] | None = None

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
        try:
            await _Pipeline(self, report).run()
        finally:
            self.totals.merge(report)
        if report.claimed or report.expired or report.stale_unknown:
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
            kinds = (DeliveryKind.TIP, *self._sources)
            probes = [ledger.due(now, claimed_before, kinds)]
            probes += [source.due(now) for source in self._sources.values()]
            self._probe = select(or_(*probes))
        return self._probe

    async def _anything_due(self, now: datetime) -> bool:
        params = {"probe_now": now, "probe_claimed_before": now - self._options.lease}
        async with self._sessions() as session:
            # A read: on SQLite it needs no write lock, so it never waits behind a writer.
            await session.connection(execution_options=READ_ONLY)
            return bool(await session.scalar(self._due_probe(), params))

    async def _claim(self, counts: ClaimCounts, limit: int, *, first: bool = False) -> list[Job]:
        now = self._clock.now()
        if first and not await self._anything_due(now):
            return []
        async with self._sessions.begin() as session:
            if first:
                # Claims whose process died mid-send; in the same transaction, so an idle tick
                # costs one short write transaction.
                counts.stale_unknown = await ledger.mark_stale_claims_unknown(
                    session, now, self._options.lease
                )
            jobs = await ledger.claim_retries(
                session,
                now,
                limit=limit,
                catch_up=self._options.catch_up,
                claimed_by=self._replica,
                counts=counts,
                kinds=(DeliveryKind.TIP, *self._sources),
            )
            room = limit - len(jobs)
            if room > 0:
                jobs += await ledger.claim_due(
                    session,
                    now,
                    limit=room,
                    tip_order=self._content.tip_ids,
                    catch_up=self._options.catch_up,
                    claimed_by=self._replica,
                    counts=counts,
                )
            for source in self._sources.values():
                room = limit - len(jobs)
                if room <= 0:
                    break
                jobs += await source.claim(
                    session, now, limit=room, claimed_by=self._replica, counts=counts
                )
            return await attach_focus(session, jobs)

    async def _record(self, outcomes: Sequence[Outcome]) -> None:
        delay = 0.2
        for attempt in range(1, self._options.record_attempts + 1):
            try:
                async with self._sessions.begin() as session:
                    await ledger.record_outcomes(session, outcomes, self._clock.now())
                return
            except SQLAlchemyError as error:
                if attempt == self._options.record_attempts:
                    # The claims stay 'claimed' and turn 'unknown' when their lease runs out.
                    log.error("could not record %d outcomes: %s", len(outcomes), error)
                    raise
                await asyncio.sleep(delay)
                delay *= 2

    async def _send(self, job: Job) -> Outcome:
        async with self._limit:
            return await self._send_to(job, job.chat_id)

    def _tip_text(self, content: Content, tip_id: str) -> str:
        key = (content.language, tip_id)
        text = self._tip_texts.get(key)
        if text is None:
            text = self._tip_texts[key] = content.render_tip(content.tip(tip_id))
        return text

    async def _send_tip(self, job: Job, chat_id: int) -> int:
        content = self._content.for_language(job.language)
        buttons = tip_buttons(content, job.delivery_id, job.focus, job.tip_id)
        params: dict[str, object] = {
            "chat_id": chat_id,
            "text": self._tip_text(content, job.tip_id),
            "parse_mode": ParseMode.HTML.value,
            "reply_markup": _keyboard_json(buttons),
        }
        if self._options.paid_broadcast:
            params["allow_paid_broadcast"] = True
        result = await post_prepared(self._bot, "sendMessage", params)
        return int(result["message_id"])

    async def _send_to(self, job: Job, chat_id: int, *, migrated: bool = False) -> Outcome:
        try:
            if job.kind == DeliveryKind.TIP:
                message_id = await self._send_tip(job, chat_id)
            else:
                message_id = await self._sources[job.kind].send(self._bot, job, chat_id)
        except Forbidden as error:
            return Outcome(
                job,
                DeliveryStatus.FAILED,
                error=error.message,
                subscriber_status=SubscriberStatus.BLOCKED,
            )
        except ChatMigrated as error:
            if migrated:
                return Outcome(job, DeliveryStatus.FAILED, error="chat migrated twice")
            outcome = await self._send_to(job, error.new_chat_id, migrated=True)
            return replace(outcome, new_chat_id=error.new_chat_id)
        except RetryAfter as error:
            return self._retry(job, error, after=timedelta(seconds=retry_after_seconds(error)))
        except BadRequest as error:
            # BadRequest subclasses NetworkError in PTB, so it must be caught first.
            if "chat not found" in error.message.lower():
                return Outcome(
                    job,
                    DeliveryStatus.FAILED,
                    error=error.message,
                    subscriber_status=SubscriberStatus.GONE,
                )
            log.error("tip %s was refused by Telegram: %s", job.tip_id, error.message)
            return Outcome(job, DeliveryStatus.FAILED, error=error.message)
        except (TimedOut, NetworkError) as error:
            if is_surely_not_sent(error):
                return self._retry(job, error)
            return Outcome(job, DeliveryStatus.UNKNOWN, error=f"maybe sent: {error.message}")
        except TelegramError as error:
            return Outcome(job, DeliveryStatus.FAILED, error=error.message)
        return Outcome(job, DeliveryStatus.SENT, message_id=message_id)

    def _retry(self, job: Job, error: TelegramError, *, after: timedelta | None = None) -> Outcome:
        if after is None:
            backoff = self._options.retry_base * (2 ** min(job.attempts - 1, 10))
            after = min(backoff, self._options.retry_max) * random.uniform(0.8, 1.2)
        return Outcome(
            job,
            DeliveryStatus.RETRY,
            error=error.message,
            retry_at=self._clock.now() + after,
        )


async def attach_focus(session: AsyncSession, jobs: list[Job]) -> list[Job]:
    """Attach each tip's focus habits, fetched for the whole batch in one query."""
    subscriber_ids = [job.subscriber_id for job in jobs if job.kind == DeliveryKind.TIP]
    focus = await queries.focus_by_subscriber(session, subscriber_ids)
    if not focus:
        return jobs
    return [
        replace(job, focus=focus[job.subscriber_id])
        if job.kind == DeliveryKind.TIP and job.subscriber_id in focus
        else job
        for job in jobs
    ]


class _Pipeline:
    """One drain of the due queue: claims, sends and records overlap, so the pipe stays full.

    At most `concurrency` messages are ever claimed and not yet recorded. A crash can only
    turn those into 'unknown' (their lease runs out), so a kill costs at most that many, and
    memory stays flat however many are due.
    """

    def __init__(self, engine: DeliveryEngine, report: TickReport) -> None:
        self._engine = engine
        self._report = report
        options = engine._options
        self._window = max(1, options.concurrency)
        self._chunk = max(1, min(options.batch_size, self._window))
        # Claim again once a quarter of the window is free: fewer, fuller transactions.
        self._low_water = max(1, self._chunk // 4)
        self._open = 0  # claimed and not yet recorded
        self._finished: list[Outcome] = []
        self._ready = asyncio.Event()  # outcomes are waiting to be recorded
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
        engine, report = self._engine, self._report
        first = True
        while not engine._stopping and self._record_error is None:
            room = self._window - self._open
            if room < self._low_water:
                self._room.clear()
                await self._room.wait()
                continue
            counts = ClaimCounts()
            jobs = await engine._claim(counts, min(room, self._chunk), first=first)
            first = False
            report.expired += counts.expired
            report.stale_unknown += counts.stale_unknown
            if not jobs:
                if counts.expired:
                    continue
                return
            report.batches += 1
            report.claimed += len(jobs)
            self._open += len(jobs)
            for started, job in enumerate(jobs):
                if started and started % START_SLICE == 0:
                    # A new task's first step runs at once, all of them in one pass of the
                    # loop: 200 sends starting together held every other task up ~40 ms.
                    await asyncio.sleep(0)
                task = asyncio.create_task(self._send(job))
                self._sends.add(task)
                task.add_done_callback(self._sends.discard)

    async def _send(self, job: Job) -> None:
        try:
            outcome = await self._engine._send(job)
        except Exception as error:
            # A bug must not stop the batch; 'unknown' is never resent, and it is counted.
            log.exception("sending %s failed unexpectedly", job.kind)
            outcome = Outcome(job, DeliveryStatus.UNKNOWN, error=f"unexpected: {error!r}")
        self._finished.append(outcome)
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
                    await self._engine._record(batch)
                    self._report.add(batch)
                except SQLAlchemyError as error:
                    # Their claims stay 'claimed' and turn 'unknown' with the lease: never resent.
                    self._record_error = error
            self._open -= len(batch)
            self._room.set()
