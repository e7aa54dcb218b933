"""Cheap read-only probes for /healthz and /metrics: is the database there, how much is due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.db.models import Subscriber

# The count stops here, so a scrape stays cheap however far behind delivery is.
BACKLOG_CAP = 1_000_000


async def ping(engine: AsyncEngine) -> None:
    """Raises when the database cannot answer SELECT 1."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def count_due(engine: AsyncEngine, now: datetime) -> int:
    """Subscribers whose tip is due now (at most BACKLOG_CAP), from the next_due_at index."""
    due = select(Subscriber.id).where(Subscriber.next_due_at <= now).limit(BACKLOG_CAP).subquery()
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(due))).scalar_one())
