"""Broadcasts as a delivery source: claims the recorded recipients and sends them the text."""

from __future__ import annotations

import asyncio

from sqlalchemy import ColumnElement, exists
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from nudgebot.db import broadcasts
from nudgebot.db.ledger import Moment
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.source import Source
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.statuses import DeliveryKind
from nudgebot.telegram.send_class import bulk_sends


class BroadcastSource(Source):
    """Sends each broadcast's recipients their one copy, through the engine's batches, rate
    limiter and error handling; retries come back through the engine's own retry claim."""

    kind = DeliveryKind.BROADCAST

    def due(self, now: Moment) -> ColumnElement[bool]:
        return exists().where(broadcasts.pending_due())

    def __init__(self, sessions: async_sessionmaker[AsyncSession], options: EngineOptions) -> None:
        self._sessions = sessions
        self._paid_broadcast = options.paid_broadcast
        # Announcements never change once recorded, so each text is read once per process.
        self._texts: dict[str, str] = {}
        self._loading = asyncio.Lock()

    async def claim(self, session: AsyncSession, request: ClaimRequest) -> list[Claim]:
        claims = await broadcasts.claim_pending(session, request)
        missing = {int(claim.ref) for claim in claims if claim.ref not in self._texts}
        if missing:
            self._texts.update(await broadcasts.texts(session, missing))
        return claims

    async def send(self, bot: Bot, claim: Claim, chat_id: int) -> int:
        with bulk_sends():  # scheduled: replies to updates go first
            message = await bot.send_message(
                chat_id=chat_id,
                text=await self._text(claim.ref),
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=True if self._paid_broadcast else None,
            )
        return message.message_id

    async def _text(self, ref: str) -> str:
        if ref not in self._texts:
            # A retry claimed by the engine rather than by claim(): load it once, not per send.
            async with self._loading:
                if ref not in self._texts:
                    async with self._sessions() as session:
                        self._texts.update(await broadcasts.texts(session, {int(ref)}))
        text = self._texts.get(ref)
        if text is None:
            # Recorded as failed by the engine; nothing went out.
            raise TelegramError(f"broadcast {ref} is not in the database")
        return text
