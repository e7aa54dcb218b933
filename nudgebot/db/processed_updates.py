"""Queries on processed_updates: take an update id once, give it back, forget old ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, delete
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import ProcessedUpdate
from nudgebot.db.queries import insert_or_ignore


async def take(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """True when this call recorded the id first; False when someone already had it."""
    statement = insert_or_ignore(session, ProcessedUpdate).values(
        update_id=update_id, received_at=now
    )
    result = await session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def give_back(session: AsyncSession, update_id: int) -> None:
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id))


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount
