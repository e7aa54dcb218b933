"""A group's note goes out once, whichever replica sees its /start, and after a restart too."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.clock import ManualClock
from nudgebot.db.engine import create_session_factory
from nudgebot.services.groups import GroupService

GROUP, OTHER_GROUP = -100, -1001234567890


def replica(database: AsyncEngine, clock: ManualClock) -> GroupService:
    return GroupService(create_session_factory(database), clock)


async def test_only_the_first_replica_to_ask_sends_the_note(
    database: AsyncEngine, clock: ManualClock
) -> None:
    first, second = replica(database, clock), replica(database, clock)
    assert [await first.first_note(GROUP), await second.first_note(GROUP)] == [True, False]
    assert await first.first_note(GROUP) is False


async def test_every_group_gets_its_own_note(database: AsyncEngine, clock: ManualClock) -> None:
    service = replica(database, clock)
    assert [await service.first_note(GROUP), await service.first_note(OTHER_GROUP)] == [True, True]


async def test_a_note_given_back_may_be_sent_again(
    database: AsyncEngine, clock: ManualClock
) -> None:
    service = replica(database, clock)
    await service.first_note(GROUP)
    await service.give_back(GROUP)
    assert await replica(database, clock).first_note(GROUP) is True
