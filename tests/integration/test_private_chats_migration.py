"""Revision 0008 stops every subscription whose chat is not private, and adds quiet days."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.engine import Connection

from nudgebot.db.engine import create_engine
from nudgebot.db.migrate import alembic_config, upgrade_to_head

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def test_group_subscriptions_are_stopped_and_private_ones_keep_going(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    at = bindparam("at", type_=DateTime(timezone=True))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, "0007")
            await connection.execute(
                text(
                    "INSERT INTO subscribers (id, chat_id, status, timezone, send_time,"
                    " cycle_seen, next_due_at, next_summary_at, created_at, updated_at) VALUES"
                    " (1, 5, 'active', 'UTC', '09:00', '', :at, :at, :at, :at),"
                    " (2, -100, 'active', 'UTC', '09:00', '', :at, :at, :at, :at),"
                    " (3, -1001234567890, 'paused', 'UTC', '09:00', '', :at, :at, :at, :at)"
                ).bindparams(at),
                {"at": NOW},
            )
            await connection.execute(
                text(
                    "INSERT INTO snoozes (subscriber_id, local_date, tip_id, remind_at, status,"
                    " created_at) VALUES (1, '2026-03-02', 'a', :at, 'pending', :at),"
                    " (2, '2026-03-02', 'a', :at, 'pending', :at)"
                ).bindparams(at),
                {"at": NOW},
            )
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            subscribers = (
                await connection.execute(
                    text(
                        "SELECT chat_id, status, next_due_at IS NULL AS no_tip,"
                        " next_summary_at IS NULL AS no_summary, quiet_until"
                        " FROM subscribers ORDER BY id"
                    )
                )
            ).all()
            snoozes = (
                await connection.execute(text("SELECT status FROM snoozes ORDER BY subscriber_id"))
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in subscribers] == [
        (5, "active", False, False, None),
        (-100, "stopped", True, True, None),
        (-1001234567890, "stopped", True, True, None),
    ]
    assert [row.status for row in snoozes] == ["pending", "cancelled"]
