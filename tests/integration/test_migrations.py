"""The schema Alembic builds is the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.db.engine import create_engine
from nudgebot.db.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from nudgebot.db.models import Base


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_alembic_head_agree(database: AsyncEngine) -> None:
    async with database.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_upgrade_records_the_head_revision(database: AsyncEngine) -> None:
    assert await current_revision(database) == head_revision()


async def test_upgrading_twice_changes_nothing(database: AsyncEngine) -> None:
    await upgrade_to_head(database)
    assert await current_revision(database) == head_revision()


async def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(
    database: AsyncEngine,
) -> None:
    def _downgrade_then_tables(connection: Connection) -> list[str]:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        return [t for t in inspect(connection).get_table_names() if t != "alembic_version"]

    async with database.begin() as connection:
        assert await connection.run_sync(_downgrade_then_tables) == []
    await upgrade_to_head(database)
    async with database.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_a_fresh_engine_on_a_new_sqlite_file_can_be_migrated(tmp_path: object) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    try:
        await upgrade_to_head(engine)
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


async def test_the_broadcast_migration_keeps_existing_deliveries_and_check_in_links(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)

    def _upgrade_to_initial(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")

    now = "2026-03-02 09:00:00+00:00"
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to_initial)
            await connection.execute(
                text(
                    "INSERT INTO subscribers (id, chat_id, status, timezone, send_time, "
                    "cycle_seen, created_at, updated_at) "
                    f"VALUES (1, 10, 'active', 'UTC', '09:00', '', '{now}', '{now}')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO deliveries (id, subscriber_id, kind, local_date, tip_id, status, "
                    "due_at, claimed_at, attempts) "
                    f"VALUES (5, 1, 'tip', '2026-03-02', 'fiber', 'sent', '{now}', '{now}', 1)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO checkins (subscriber_id, delivery_id, local_date, tip_id, "
                    "outcome, source, created_at, updated_at) "
                    f"VALUES (1, 5, '2026-03-02', 'fiber', 'done', 'button', '{now}', '{now}')"
                )
            )
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            link = await connection.scalar(text("SELECT delivery_id FROM checkins"))
            ref = await connection.scalar(text("SELECT ref FROM deliveries WHERE id = 5"))
    finally:
        await engine.dispose()
    assert link == 5
    assert ref == ""


async def test_claims_open_at_the_attempted_at_upgrade_count_as_handed_to_the_transport(
    blank_database_url: str,
) -> None:
    """Code before 0009 did not mark its sends: an open claim may have been sent, so it must
    turn 'unknown' after the lease, never be released for a resend."""
    engine = create_engine(blank_database_url)

    def _upgrade_to(connection: Connection, revision: str) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    now = "2026-03-02 09:00:00+00:00"
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to, "0008")
            await connection.execute(
                text(
                    "INSERT INTO subscribers (id, chat_id, status, timezone, send_time, "
                    "cycle_seen, created_at, updated_at) "
                    f"VALUES (1, 10, 'active', 'UTC', '09:00', '', '{now}', '{now}'), "
                    f"(2, 20, 'active', 'UTC', '09:00', '', '{now}', '{now}')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO deliveries (id, subscriber_id, kind, local_date, tip_id, status, "
                    "due_at, claimed_at, attempts) VALUES "
                    f"(5, 1, 'tip', '2026-03-02', 'fiber', 'claimed', '{now}', '{now}', 1), "
                    f"(6, 2, 'tip', '2026-03-02', 'fiber', 'sent', '{now}', '{now}', 1)"
                )
            )
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            marked = (
                await connection.execute(
                    text("SELECT id FROM deliveries WHERE attempted_at IS NOT NULL ORDER BY id")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [row.id for row in marked] == [5]
