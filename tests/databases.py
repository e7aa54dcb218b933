"""Test databases: a migrated SQLite file per test, and PostgreSQL, connected only when asked.

Nothing here touches PostgreSQL at import time, so the unit tier runs on a machine without it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import asyncpg

from nudgebot.db.engine import create_engine
from nudgebot.db.migrate import head_revision, upgrade_to_head
from nudgebot.db.models import Base

# CI's machine runs PostgreSQL here; tests that use it must run there, never skip.
_POSTGRES_DSN = os.environ.get(
    "NUDGEBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


_created: list[str] = []  # this worker's database, once it exists


async def postgres_admin_dsn() -> str:
    """This worker's database, created on first use: under pytest-xdist each worker has its
    own, next to the configured one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return _POSTGRES_DSN
    server, _, name = _POSTGRES_DSN.rpartition("/")
    mine = f"{name}_{worker}"
    if not _created:
        connection = await asyncpg.connect(_POSTGRES_DSN)
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", mine):
                await connection.execute(f'CREATE DATABASE "{mine}"')
        finally:
            await connection.close()
        _created.append(mine)
    return f"{server}/{mine}"


async def postgres_url() -> str:
    """The SQLAlchemy URL of this worker's PostgreSQL database."""
    return (await postgres_admin_dsn()).replace("postgresql://", "postgresql+asyncpg://", 1)


async def reset_postgres() -> str:
    """Empty the test database's public schema; returns the SQLAlchemy URL for it."""
    connection = await asyncpg.connect(await postgres_admin_dsn())
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    return await postgres_url()


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


_sqlite_template: list[Path] = []  # migrated once per session; each test gets a copy


async def migrated_sqlite_copy(directory: Path, template_dir: Path) -> Path:
    """A copy of a migrated SQLite file: copying beats migrating for every test."""
    if not _sqlite_template:
        template = template_dir / "nudgebot.db"
        await migrate(f"sqlite+aiosqlite:///{template}")
        _sqlite_template.append(template)
    template = _sqlite_template[0]
    path = directory / "nudgebot.db"
    for suffix in ("", "-wal"):  # the write-ahead log too, should one be left
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return path


_postgres_migrated: list[bool] = []  # rebuilt once per session, then emptied per test


async def empty_postgres_tables() -> str:
    """Every table emptied and its ids restarted; a schema some test left behind is rebuilt.
    Returns the SQLAlchemy URL."""
    if not _postgres_migrated:
        await migrate(await reset_postgres())
        _postgres_migrated.append(True)
        return await postgres_url()
    connection = await asyncpg.connect(await postgres_admin_dsn())
    try:
        try:
            revision = await connection.fetchval("SELECT version_num FROM alembic_version")
        except asyncpg.UndefinedTableError:
            revision = None
        if revision == head_revision():
            tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            return await postgres_url()
    finally:
        await connection.close()
    await migrate(await reset_postgres())
    return await postgres_url()
