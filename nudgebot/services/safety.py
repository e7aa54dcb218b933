"""Crisis safety: decides whether a message needs the crisis reply, and for which country."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.db.models import Subscriber
from nudgebot.domain.crisis import signals_crisis

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CrisisReply:
    """The message needs the crisis reply; country picks the resources (None: the default)."""

    country: str | None


class SafetyService:
    """Checked before anything else on every text, so a crisis never becomes a check-in."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], zone_countries: Mapping[str, str]
    ) -> None:
        self._sessions = sessions
        self._zone_countries = zone_countries

    async def assess(self, chat_id: int, text: str) -> CrisisReply | None:
        if not signals_crisis(text):
            return None
        return CrisisReply(await self._country(chat_id))

    async def _country(self, chat_id: int) -> str | None:
        # Telegram tells no one's country; the time zone they chose is the best hint we have.
        try:
            async with self._sessions() as session:
                zone = await session.scalar(
                    select(Subscriber.timezone).where(Subscriber.chat_id == chat_id)
                )
        except SQLAlchemyError as error:
            # The reply must go out even when the database is down: the default list then.
            log.warning("crisis reply without a country: %s", type(error).__name__)
            return None
        return self._zone_countries.get(zone) if zone else None
