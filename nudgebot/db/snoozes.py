"""Snooze rows: cancelling the pending reminder of a day once that day's tip is logged."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import Snooze, SnoozeStatus


async def cancel_pending(session: AsyncSession, subscriber_id: int, day: date, tip_id: str) -> None:
    """Call BEFORE writing a check-in for (day, tip), in the same transaction.

    The UPDATE locks the snooze row first: either the reminder source already claimed it
    (this waits, then finds nothing pending: the reminder goes out) or the check-in holds the
    lock until it commits and the source's SKIP LOCKED claim passes the row by, then finds it
    cancelled. No interleaving sends a reminder for a day already logged before it was claimed.
    """
    await session.execute(
        update(Snooze)
        .where(
            Snooze.subscriber_id == subscriber_id,
            Snooze.local_date == day,
            Snooze.tip_id == tip_id,
            Snooze.status == SnoozeStatus.PENDING,
        )
        .values(status=SnoozeStatus.CANCELLED)
    )
