"""The schema Alembic builds is the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
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
