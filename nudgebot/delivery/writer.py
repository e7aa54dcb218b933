"""The engine's write passes: one transaction each, on connections held through a drain."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import ledger
from nudgebot.delivery.held import HeldConnection
from nudgebot.delivery.step import Step
from nudgebot.domain.deliveries import Claim, ClaimCounts

log = logging.getLogger(__name__)

# Claims up to `limit` in the session's transaction; `first` settles a dead process's claims.
ClaimFn = Callable[[AsyncSession, ClaimCounts, int, bool], Awaitable[list[Claim]]]


class Writer:
    """Runs write passes: a claim, then the results to record and the sends to mark.

    One pass at a time records and marks: on SQLite two writers meet its busy handler, which
    sleeps up to 100 ms between tries, while sends wait for their marking. On PostgreSQL a
    claim runs on a connection of its own, beside those passes: a claim takes tens of
    milliseconds, and while it held the one writer no send was marked and the wire emptied
    (bench/delivery.py: 2,650 nudges/s with the claim inside the pass, 2,750 beside it).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        claim: ClaimFn,
        *,
        attempts: int,
    ) -> None:
        self._clock = clock
        self._claim = claim
        self._attempts = attempts
        self._writing = asyncio.Lock()
        self._held = HeldConnection(sessions)
        self.claims_beside = self._held.dialect not in (None, "sqlite")
        self._claim_writing = asyncio.Lock()
        self._held_claims = HeldConnection(sessions)

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Keep the passes' connections between them while this lasts (a drain)."""
        async with self._held.hold(), self._held_claims.hold():
            yield

    async def ready(self) -> None:
        """Before a drain's first send: open the claims' connection on PostgreSQL now, so its
        set-up does not take the event loop from sends in flight (a new process connects)."""
        if self.claims_beside:
            await self._held_claims.open()

    async def write(self, step: Step, counts: ClaimCounts, *, beside: bool = False) -> list[Claim]:
        """One write pass, one transaction: claim up to `step.claim`, then record and mark what
        `step.take` hands back at that moment; returns the new claims. `beside`: on the claims'
        own connection, beside the other passes (only when `claims_beside`).

        A failed pass is retried with backoff while the database hiccups, claiming and marking
        nothing more (it was all rolled back); a drain's first claim fails at once: the next
        tick tries again.
        """
        tries = 1 if step.first else self._attempts
        delay = 0.2
        lock, held = self._writing, self._held
        if beside and self.claims_beside:
            lock, held = self._claim_writing, self._held_claims
        for tried in range(1, tries + 1):
            found = ClaimCounts()
            try:
                async with lock:
                    claims = await self._pass(held, step, found)
            except SQLAlchemyError as error:
                step.rolled_back()
                if tried == tries:
                    # The claims stay 'claimed' and turn 'unknown' when their lease runs out.
                    log.error("could not record results (%d tries): %s", tried, error)
                    raise
                await asyncio.sleep(delay)
                delay *= 2
                continue
            counts.expired += found.expired
            counts.stale_unknown += found.stale_unknown
            counts.released += found.released
            counts.recovered += found.recovered
            return claims
        raise AssertionError("unreachable")  # pragma: no cover

    async def _pass(self, held: HeldConnection, step: Step, found: ClaimCounts) -> list[Claim]:
        if not step.claim:
            # Most passes only record and mark: Core statements on the connection, without an
            # ORM session's set-up and flush (a fifth of a pass's time, measured).
            async with held.transaction() as connection:
                await self._record(connection, step, [])
            return []
        async with held.begin() as session:
            claims = await self._claim(session, found, step.claim, step.first)
            await self._record(session, step, claims)
        return claims

    async def _record(self, executor: ledger.Executor, step: Step, claims: list[Claim]) -> None:
        results, marks = step.take(claims)
        now = self._clock.now()
        await ledger.record_results(executor, results, now)
        await ledger.mark_attempted(executor, [claim.delivery_id for claim in marks], now)
