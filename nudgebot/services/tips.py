"""Tips on demand: today's (or the next) tip without touching the daily rotation."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.content.model import Content, Tip
from nudgebot.db import queries
from nudgebot.db.models import split_seen
from nudgebot.domain.rotation import upcoming
from nudgebot.domain.schedule import local_today


class TipService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, content: Content
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._content = content

    async def current_tip(self, chat_id: int) -> Tip:
        """The tip delivered today; otherwise the one the rotation will send next."""
        async with self._sessions() as session:
            subscriber = await queries.get_subscriber(session, chat_id)
            if subscriber is None:
                return self._content.tips[0]
            today = local_today(self._clock.now(), ZoneInfo(subscriber.timezone))
            delivery = await queries.tip_delivery_on(session, subscriber.id, today)
            if delivery is not None and delivery.tip_id in self._content.tip_ids:
                return self._content.tip(delivery.tip_id)
            return self._content.tip(
                upcoming(self._content.tip_ids, split_seen(subscriber.cycle_seen))
            )
