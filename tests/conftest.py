"""Fixtures shared by every test level: databases on SQLite and PostgreSQL, clocks, settings."""

from __future__ import annotations

import os

# Opt in to PTB's timedelta retry_after now, as nudgebot's CLI does; the old int form warns.
os.environ.setdefault("PTB_TIMEDELTA", "true")
import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content, load_content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import head_revision, upgrade_to_head
from nudgebot.db.models import Base

# CI's machine runs PostgreSQL here; these tests must run there, never skip.
_POSTGRES_DSN = os.environ.get(
    "NUDGEBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def _worker_database(dsn: str) -> str:
    """Under pytest-xdist each worker gets its own database next to the configured one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return dsn
    server, _, name = dsn.rpartition("/")
    mine = f"{name}_{worker}"

    async def create() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", mine):
                await connection.execute(f'CREATE DATABASE "{mine}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return f"{server}/{mine}"


POSTGRES_ADMIN_DSN = _worker_database(_POSTGRES_DSN)


async def reset_postgres() -> str:
    """Empty the test database's public schema; returns the SQLAlchemy URL for it."""
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    return POSTGRES_ADMIN_DSN.replace("postgresql://", "postgresql+asyncpg://", 1)


POSTGRES_URL = POSTGRES_ADMIN_DSN.replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.fixture(params=["sqlite", "postgres"])
async def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema at all, once on SQLite and once on PostgreSQL (migration tests)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'nudgebot.db'}"
    return await reset_postgres()


async def _migrate(url: str) -> None:
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
        await _migrate(f"sqlite+aiosqlite:///{template}")
        _sqlite_template.append(template)
    template = _sqlite_template[0]
    path = directory / "nudgebot.db"
    for suffix in ("", "-wal"):  # the write-ahead log too, should one be left
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return path


_postgres_migrated: list[bool] = []  # rebuilt once per session, then emptied per test


async def empty_postgres_tables() -> None:
    """Every table emptied and its ids restarted; a schema some test left behind is rebuilt."""
    if not _postgres_migrated:
        await reset_postgres()
        await _migrate(POSTGRES_URL)
        _postgres_migrated.append(True)
        return
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        try:
            revision = await connection.fetchval("SELECT version_num FROM alembic_version")
        except asyncpg.UndefinedTableError:
            revision = None
        if revision == head_revision():
            tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            return
    finally:
        await connection.close()
    await reset_postgres()
    await _migrate(POSTGRES_URL)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database at the newest schema, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        path = await migrated_sqlite_copy(tmp_path, factory.getbasetemp())
        return f"sqlite+aiosqlite:///{path}"
    await empty_postgres_tables()
    return POSTGRES_URL


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated database engine, disposed after the test."""
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(database: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(database)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))  # a Monday
