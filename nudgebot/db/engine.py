"""Builds the async engine and session factory, with SQLite tuned for a bot's workload."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000


# Execution options for a transaction that only reads: on SQLite it begins deferred, taking no
# write lock, so it never waits for (or holds up) a writer in another process.
READ_ONLY: Final = {"nudgebot_read_only": True}


def _begin_immediate(connection: Connection) -> None:
    if connection.get_execution_options().get("nudgebot_read_only"):
        connection.exec_driver_sql("BEGIN")
        return
    # A deferred SQLite transaction that reads and then writes fails with "database is locked" when
    # another writer got in first; taking the write lock up front makes busy_timeout apply.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let _begin_immediate issue BEGIN itself
    # WAL lets the tick write while handlers read; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine for sqlite+aiosqlite or postgresql+asyncpg URLs.

    hide_parameters keeps SQL parameters (check-in notes among them) out of logs and out of
    error messages such as an IntegrityError's text.
    """
    if database_url.startswith("sqlite"):
        engine = create_async_engine(
            database_url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    return create_async_engine(
        database_url,
        echo=echo,
        hide_parameters=True,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
