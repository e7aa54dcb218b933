"""The subscriber's weekly summary settings: on or off, which weekday, what local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db.models import Subscriber
from nudgebot.db.summaries import schedule_summary
from nudgebot.domain.summary_request import SummaryRequest
from nudgebot.domain.timeparse import to_the_minute
from nudgebot.services.lookups import subscribed


@dataclass(frozen=True, slots=True)
class SummaryView:
    enabled: bool
    weekday: int  # 0 = Monday
    time: time  # local
    next_at: datetime | None
    zone: ZoneInfo

    @classmethod
    def of(cls, row: Subscriber) -> SummaryView:
        return cls(
            enabled=row.summary_enabled,
            weekday=row.summary_day,
            time=row.summary_time,
            next_at=row.next_summary_at,
            zone=ZoneInfo(row.timezone),
        )


class SummaryService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def status(self, chat_id: int) -> SummaryView:
        async with self._sessions() as session:
            return SummaryView.of(await subscribed(session, chat_id))

    async def apply(self, chat_id: int, request: SummaryRequest) -> SummaryView:
        """Change what the request names and reschedule; one summary a week stays guaranteed
        by the ledger, even when the new time falls later on a day that already had one."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            row = await subscribed(session, chat_id, for_update=True)
            if request.enabled is not None:
                row.summary_enabled = request.enabled
            if request.weekday is not None:
                row.summary_day = request.weekday
            if request.at is not None:
                row.summary_time = to_the_minute(request.at)
            schedule_summary(row, now)
            row.updated_at = now
            return SummaryView.of(row)
