"""Queries on group_notes: claim a group's one note, or give the claim back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, delete
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import GroupNote
from nudgebot.db.queries import insert_or_ignore


async def claim(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """True when this call recorded the group first; False when it already had its note."""
    statement = insert_or_ignore(session, GroupNote).values(group_id=group_id, noted_at=now)
    result = await session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def give_back(session: AsyncSession, group_id: int) -> None:
    await session.execute(delete(GroupNote).where(GroupNote.group_id == group_id))
