"""Fixtures shared by every tier: databases on SQLite and PostgreSQL (lazily), clocks, content."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.loader import load_content
from nudgebot.content.model import Content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from tests.databases import empty_postgres_tables, migrated_sqlite_copy, reset_postgres
from tests.figures import figure, pytest_runtest_logreport, pytest_terminal_summary

__all__ = ["figure", "pytest_runtest_logreport", "pytest_terminal_summary"]


@pytest.fixture(autouse=True, scope="session")
def state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Engines journal their sends under $XDG_STATE_HOME: a test run never writes to the home."""
    patch = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("state")
    patch.setenv("XDG_STATE_HOME", str(home))
    yield home
    patch.undo()


@pytest.fixture(params=["sqlite", "postgres"])
async def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema at all, once on SQLite and once on PostgreSQL (migration tests)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'nudgebot.db'}"
    return await reset_postgres()


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database at the newest schema, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        path = await migrated_sqlite_copy(tmp_path, factory.getbasetemp())
        return f"sqlite+aiosqlite:///{path}"
    return await empty_postgres_tables()


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
