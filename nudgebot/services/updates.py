"""Handling each Telegram update once, across restarts and replicas behind a load balancer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import processed_updates

# Telegram gives up resending an update after about a day; older ids cannot come back.
KEEP_FOR = timedelta(days=1)


class UpdateOnce:
    """The database is the record (shared by replicas); a small set in memory spares a query."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, *, memory: int = 4096
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._memory = memory
        self._recent: dict[int, None] = {}

    async def take(self, update_id: int) -> bool:
        """True for the first sighting of this id anywhere; False for a resend."""
        if update_id in self._recent:
            return False
        async with self._sessions.begin() as session:
            first = await processed_updates.take(session, update_id, self._clock.now())
        self._remember(update_id)
        return first

    async def give_back(self, update_id: int) -> None:
        """Handling failed before anyone was answered: let Telegram's resend be handled."""
        self._recent.pop(update_id, None)
        async with self._sessions.begin() as session:
            await processed_updates.give_back(session, update_id)

    async def prune(self) -> int:
        """Forget ids older than Telegram could resend; returns how many went."""
        async with self._sessions.begin() as session:
            return await processed_updates.forget_before(session, self._clock.now() - KEEP_FOR)

    def _remember(self, update_id: int) -> None:
        self._recent[update_id] = None
        if len(self._recent) > self._memory:
            # Dicts keep insertion order: drop the oldest.
            del self._recent[next(iter(self._recent))]
