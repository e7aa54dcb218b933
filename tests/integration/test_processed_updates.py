"""Update ids are taken once across service instances and forgotten after a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.services.updates import KEEP_FOR, UpdateOnce


async def test_an_update_id_is_taken_once_even_by_another_instance(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    here, there = UpdateOnce(sessions, clock), UpdateOnce(sessions, clock)
    assert await here.take(101)
    assert not await here.take(101)
    assert not await there.take(101)
    assert await there.take(102)


async def test_a_given_back_id_can_be_taken_again(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    once = UpdateOnce(sessions, clock)
    assert await once.take(101)
    await once.give_back(101)
    assert await UpdateOnce(sessions, clock).take(101)


async def test_ids_older_than_a_day_are_pruned_and_newer_ones_kept(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    once = UpdateOnce(sessions, clock)
    await once.take(1)
    clock.advance(KEEP_FOR)
    await once.take(2)
    clock.advance(timedelta(seconds=1))
    assert await once.prune() == 1
    fresh = UpdateOnce(sessions, clock)  # no memory of its own: asks the database
    assert await fresh.take(1)
    assert not await fresh.take(2)
