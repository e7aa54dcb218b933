"""The ledger's claim follows adaptive rotation from the second cycle on, in bounded queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db.models import CheckIn, Subscriber
from tests.integration.test_ledger import NINE, claim, count_statements, subscribe


async def log(
    sessions: async_sessionmaker[AsyncSession],
    subscriber_id: int,
    tip_id: str,
    *outcomes: str,
    first_day: int = 0,
) -> None:
    """Check-ins for one tip on distinct past days."""
    async with sessions.begin() as session:
        for offset, outcome in enumerate(outcomes):
            session.add(
                CheckIn(
                    subscriber_id=subscriber_id,
                    local_date=date(2025, 1, 1) + timedelta(days=first_day + offset),
                    tip_id=tip_id,
                    outcome=outcome,
                    source="button",
                    created_at=NINE,
                    updated_at=NINE,
                )
            )


async def claim_days(
    sessions: async_sessionmaker[AsyncSession], content: Content, first: int, days: int
) -> list[str]:
    sent: list[str] = []
    for day in range(first, first + days):
        sent += [job.tip_id for job in await claim(sessions, NINE + timedelta(days=day), content)]
    return sent


async def test_the_second_cycle_brings_the_least_logged_tips_first(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    order = content.tip_ids
    assert await claim_days(sessions, content, 0, 12) == list(order)
    # Every tip logged twice, except: 'partly' counts as logged, 'skipped' does not.
    for tip in order:
        await log(sessions, 1, tip, "done", "done")
    await log(sessions, 1, order[0], "partly", first_day=10)  # three: comes last
    await log(sessions, 1, order[5], "skipped", first_day=10)  # still two
    async with sessions.begin() as session:
        await session.execute(
            update(CheckIn).where(CheckIn.tip_id == order[7]).values(outcome="skipped")
        )  # none: comes first
    second = await claim_days(sessions, content, 12, 12)
    expected = [order[7], *(t for t in order if t not in (order[0], order[7])), order[0]]
    assert second == expected
    async with sessions() as session:
        row = (await session.execute(select(Subscriber))).scalar_one()
    assert row.cycle_number == 2


async def test_the_first_cycle_ignores_check_ins(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1)
    await log(sessions, 1, content.tip_ids[0], "done", "done", "done")
    assert await claim_days(sessions, content, 0, 12) == list(content.tip_ids)


@pytest.mark.parametrize("batch", [5, 50])
async def test_claims_in_the_second_cycle_cost_one_more_statement_whatever_the_batch(
    database: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
    batch: int,
) -> None:
    await subscribe(sessions, clock, *range(1, batch + 1))
    async with sessions.begin() as session:
        await session.execute(update(Subscriber).values(cycle_number=2))
    for subscriber_id in range(1, batch + 1):
        await log(sessions, subscriber_id, content.tip_ids[0], "done")
    with count_statements(database) as statements:
        jobs = await claim(sessions, NINE, content, limit=batch)
    assert len(jobs) == batch
    assert {job.tip_id for job in jobs} == {content.tip_ids[1]}
    queries = [
        s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "PRAGMA"))
    ]
    # select due, the check-in counts, insert claims, update subscribers: no query per row.
    assert len(queries) <= 4, queries
