"""The one rule every use case shares: a chat that never sent /start is not a subscriber."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db import queries
from nudgebot.db.models import Subscriber
from nudgebot.services.errors import NotSubscribedError


async def subscribed(
    session: AsyncSession, chat_id: int, *, for_update: bool = False
) -> Subscriber:
    """The chat's subscriber row; raises `NotSubscribedError` when there is none."""
    subscriber = await queries.get_subscriber(session, chat_id, for_update=for_update)
    if subscriber is None:
        raise NotSubscribedError(chat_id)
    return subscriber
