"""The write passes' held connection: one per drain, and overlapping drains do not break it."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.db.models import Subscriber
from nudgebot.delivery.held import HeldConnection


async def backend_id(session: AsyncSession) -> object:
    # The same connection answers the same: SQLite's is the Python object, PostgreSQL's the pid.
    if session.bind.dialect.name == "postgresql":
        return await session.scalar(text("select pg_backend_pid()"))
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return id(raw.driver_connection)


async def test_passes_while_held_share_one_connection_kept_out_of_the_pool(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    held = HeldConnection(sessions)
    async with held.hold():
        async with held.begin() as session:
            first = await backend_id(session)
        # Back in the pool, the connection would be the one a reader checks out next.
        async with sessions() as reader:
            assert await backend_id(reader) != first
        async with held.begin() as session:
            assert await backend_id(session) == first


async def test_a_hold_that_ends_first_leaves_the_other_drains_connection_working(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    held = HeldConnection(sessions)
    async with held.hold():
        async with held.begin() as session:
            first = await backend_id(session)
            inner = held.hold()
            await inner.__aenter__()
            await inner.__aexit__(None, None, None)  # the other tick ends mid-pass
            await session.execute(select(Subscriber.id).limit(1))
        async with held.begin() as session:
            assert await backend_id(session) == first
