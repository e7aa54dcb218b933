"""Fixtures shared by every test level: databases on SQLite and PostgreSQL, clocks, settings."""

from __future__ import annotations

import os

# Opt in to PTB's timedelta retry_after now, as nudgebot's CLI does; the old int form warns.
os.environ.setdefault("PTB_TIMEDELTA", "true")
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content import Content, load_content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head

# CI's machine runs PostgreSQL here; these tests must run there, never skip.
POSTGRES_ADMIN_DSN = os.environ.get(
    "NUDGEBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


async def reset_postgres() -> str:
    """Empty the test database's public schema; returns the SQLAlchemy URL for it."""
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    return POSTGRES_ADMIN_DSN.replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'nudgebot.db'}"
    return await reset_postgres()


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
