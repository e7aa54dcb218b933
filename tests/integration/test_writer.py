"""The engine's write passes: a claim beside the recording on PostgreSQL, one writer on SQLite."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db.models import Delivery
from nudgebot.delivery.step import FixedStep
from nudgebot.delivery.writer import Writer
from nudgebot.domain.deliveries import Claim, ClaimCounts
from tests.integration.test_ledger import NINE, claim, subscribe


class SlowClaim:
    """A claim that holds its transaction open until released."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(
        self, session: AsyncSession, counts: ClaimCounts, limit: int, first: bool
    ) -> list[Claim]:
        self.started.set()
        await self.release.wait()
        return []


async def marked(sessions: async_sessionmaker[AsyncSession], tip: Claim) -> bool:
    async with sessions() as session:
        row = await session.scalar(select(Delivery).where(Delivery.id == tip.delivery_id))
        return row is not None and row.attempted_at is not None


async def test_a_mark_commits_while_a_claim_runs_beside_it_on_postgresql_only(
    sessions: async_sessionmaker[AsyncSession], content: Content
) -> None:
    clock = ManualClock(NINE)
    await subscribe(sessions, clock, 1)
    [tip] = await claim(sessions, NINE, content)
    slow = SlowClaim()
    writer = Writer(sessions, clock, slow, attempts=1)
    beside = sessions.kw["bind"].dialect.name == "postgresql"
    assert writer.claims_beside is beside
    async with writer.hold():
        claiming = asyncio.create_task(
            writer.write(FixedStep(claim=10), ClaimCounts(), beside=True)
        )
        await slow.started.wait()
        marking = asyncio.create_task(writer.write(FixedStep(marks=[tip]), ClaimCounts()))
        done, _ = await asyncio.wait([marking], timeout=0.5)
        # On SQLite the mark waits for the one writer; on PostgreSQL it is committed already.
        assert bool(done) is beside
        assert await marked(sessions, tip) is beside
        slow.release.set()
        await asyncio.gather(claiming, marking)
    assert await marked(sessions, tip)


async def test_before_the_first_send_the_claims_connection_is_open_on_postgresql_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Opening it later, mid-drain, took the event loop from the sends in flight.
    engine = sessions.kw["bind"]
    writer = Writer(sessions, ManualClock(NINE), SlowClaim(), attempts=1)
    async with writer.hold():
        before = engine.pool.checkedout()
        await writer.ready()
        opened = engine.pool.checkedout() - before
    assert opened == (1 if writer.claims_beside else 0)
