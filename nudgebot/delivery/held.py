"""The write passes' own connection, held through a drain: no pool checkout per pass."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.db.ledger import Executor


class HeldConnection:
    """Transactions on one connection kept between them while `hold()` lasts, else the pool's.

    A checkout costs a round trip or two (PostgreSQL's pre-ping, the reset on return) that
    every answer waiting to be recorded would wait for, hundreds of times a second.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        self._engine = bind if isinstance(bind, AsyncEngine) else None
        self._connection: AsyncConnection | None = None
        self._holders = 0

    @property
    def dialect(self) -> str | None:
        """The database's dialect name ('sqlite', 'postgresql'), or None when unknown."""
        return None if self._engine is None else self._engine.dialect.name

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        # Counted: two ticks may overlap (a direct call beside the scheduled one), and the one
        # that ends first must not close the connection under the other's pass.
        self._holders += 1
        try:
            yield
        finally:
            self._holders -= 1
            if not self._holders:
                await self._release()

    async def open(self) -> None:
        """Connect now, while held, rather than at the next pass."""
        if self._holders and self._engine is not None:
            await self._connected(self._engine)

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on leaving, rolled back on an error."""
        if not self._holders or self._engine is None:
            async with self._sessions.begin() as session:
                yield session
            return
        async with self._kept(self._engine) as connection:
            session = AsyncSession(connection, expire_on_commit=False)
            async with session, session.begin():
                yield session

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        """Like `begin`, without an ORM session when held: for passes of Core statements only."""
        if not self._holders or self._engine is None:
            async with self.begin() as session:
                yield session
            return
        async with self._kept(self._engine) as connection, connection.begin():
            yield connection

    async def _connected(self, engine: AsyncEngine) -> AsyncConnection:
        if self._connection is None:
            self._connection = await engine.connect()
        return self._connection

    @contextlib.asynccontextmanager
    async def _kept(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        """The held connection, given up after a database error inside."""
        connection = await self._connected(engine)
        try:
            yield connection
        except SQLAlchemyError:
            # The connection may be broken: the next pass takes a fresh one from the pool.
            await self._release()
            raise

    async def _release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(SQLAlchemyError, OSError):
                await connection.close()
