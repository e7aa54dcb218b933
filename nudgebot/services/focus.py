"""Focus habits: the one or two habits a subscriber chose to practise every day."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import queries
from nudgebot.db.models import FocusHabit
from nudgebot.services.lookups import subscribed

MAX_FOCUS = 2  # tip 12's advice: one or two sustainable changes at a time


class FocusService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def get(self, chat_id: int) -> tuple[str, ...]:
        async with self._sessions() as session:
            subscriber = await subscribed(session, chat_id)
            focus = await queries.focus_by_subscriber(session, [subscriber.id])
            return focus.get(subscriber.id, ())

    async def set(self, chat_id: int, tip_ids: Sequence[str]) -> tuple[str, ...]:
        """Replace the focus with these habits (at most two; an empty list clears it)."""
        if len(tip_ids) > MAX_FOCUS or len(set(tip_ids)) != len(tip_ids):
            raise ValueError(f"pick at most {MAX_FOCUS} different habits")
        now = self._clock.now()
        async with self._sessions.begin() as session:
            subscriber = await subscribed(session, chat_id)
            await session.execute(
                delete(FocusHabit).where(FocusHabit.subscriber_id == subscriber.id)
            )
            session.add_all(
                FocusHabit(subscriber_id=subscriber.id, tip_id=tip_id, created_at=now)
                for tip_id in tip_ids
            )
        return tuple(tip_ids)
