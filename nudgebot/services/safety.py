"""Crisis safety: whether a message needs the crisis reply, for which country, and quiet days."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db.models import Subscriber
from nudgebot.domain.crisis import signals_crisis
from nudgebot.domain.schedule import local_today, resolve_local

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CrisisReply:
    """The message needs the crisis reply; country picks the resources (None: the default)."""

    country: str | None


def end_of_local_day(now: datetime, zone: str) -> datetime:
    """The next local midnight in zone (the first instant after it, on a DST gap), as UTC."""
    tz = ZoneInfo(zone)
    return resolve_local(local_today(now, tz) + timedelta(days=1), time(0), tz)


class SafetyService:
    """Checked before anything else on every text, so a crisis never becomes a check-in."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        zone_countries: Mapping[str, str],
        clock: Clock,
    ) -> None:
        self._sessions = sessions
        self._zone_countries = zone_countries
        self._clock = clock

    async def assess(self, chat_id: int, text: str) -> CrisisReply | None:
        if not signals_crisis(text):
            return None
        return CrisisReply(await self.country(chat_id))

    async def country(self, chat_id: int) -> str | None:
        """Their country, read from the time zone they chose; None when unknown."""
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

    async def quiet_today(self, chat_id: int) -> None:
        """No streak talk for this subscriber until their local midnight; never raises.

        Stored on the subscriber row, so every replica answers their next check-in alike.
        Someone who never subscribed has no row and no streak to be quiet about.
        """
        now = self._clock.now()
        try:
            async with self._sessions.begin() as session:
                zone = await session.scalar(
                    select(Subscriber.timezone).where(Subscriber.chat_id == chat_id)
                )
                if zone is None:
                    return
                await session.execute(
                    update(Subscriber)
                    .where(Subscriber.chat_id == chat_id)
                    .values(quiet_until=end_of_local_day(now, zone))
                )
        except (SQLAlchemyError, ValueError, KeyError) as error:  # KeyError: an unknown zone
            log.warning("could not keep a quiet day: %s", type(error).__name__)

    async def is_quiet(self, chat_id: int) -> bool:
        """True while a crisis reply earlier in their local day keeps streak talk away."""
        try:
            async with self._sessions() as session:
                until = await session.scalar(
                    select(Subscriber.quiet_until).where(Subscriber.chat_id == chat_id)
                )
        except SQLAlchemyError as error:
            # When unsure, quiet: a neutral word never hurts, "great streak!" might.
            log.warning("quiet day unknown: %s", type(error).__name__)
            return True
        return until is not None and self._clock.now() < until
