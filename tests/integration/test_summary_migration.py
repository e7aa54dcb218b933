"""Revision 0003 gives subscribers who joined before it a first weekly summary."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.db.engine import create_engine
from nudgebot.db.migrate import alembic_config, upgrade_to_head


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def test_existing_subscribers_get_a_summary_on_the_coming_sunday(
    blank_database_url: str,
) -> None:
    engine: AsyncEngine = create_engine(blank_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, "0001")
            await connection.execute(
                text(
                    "INSERT INTO subscribers (chat_id, status, timezone, send_time, cycle_seen,"
                    " created_at, updated_at) VALUES"
                    " (1, 'active', 'Europe/Berlin', '07:30', '', :now, :now),"
                    " (2, 'stopped', 'UTC', '07:30', '', :now, :now)"
                ).bindparams(bindparam("now", type_=DateTime(timezone=True))),
                {"now": datetime(2026, 3, 2, 6, 0, tzinfo=UTC)},
            )
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text(
                        "SELECT chat_id, next_summary_date, summary_enabled, cycle_number"
                        " FROM subscribers ORDER BY chat_id"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    active, stopped = rows
    assert active.next_summary_date is not None
    assert (active.summary_enabled, active.cycle_number) == (True, 1)
    assert stopped.next_summary_date is None
