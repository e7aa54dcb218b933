"""Groups, supergroups and channels: the one note each gets, and nothing else kept of them."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import group_notes

log = logging.getLogger(__name__)


class GroupService:
    """Decides, across replicas and restarts, whether a group still needs its note."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def first_note(self, group_id: int) -> bool:
        """True exactly once per group: the caller sends the note (or gives it back)."""
        try:
            async with self._sessions.begin() as session:
                return await group_notes.claim(session, group_id, self._clock.now())
        except SQLAlchemyError as error:
            # Unsure: no note. Saying nothing in a group is the bot's way there anyway.
            log.warning("group note not claimed: %s", type(error).__name__)
            return False

    async def give_back(self, group_id: int) -> None:
        """The note could not be sent: the next /start or mention may try again."""
        try:
            async with self._sessions.begin() as session:
                await group_notes.give_back(session, group_id)
        except SQLAlchemyError as error:
            log.warning("group note not given back: %s", type(error).__name__)
