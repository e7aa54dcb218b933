"""The one shape every kind of scheduled message has for the engine: due, claim, send."""

from __future__ import annotations

from abc import ABC, abstractmethod

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot

from nudgebot.db.ledger import Moment
from nudgebot.domain.deliveries import Claim, ClaimRequest


class Source(ABC):
    """A kind of scheduled message (the daily tip, a reminder, a summary, a broadcast).

    Every source shares the ledger (one `deliveries` row per claim, with its own `kind`), the
    batches, the rate limiter and the error handling; it only decides what is due, claims it,
    and says what the message is.
    """

    kind: str

    @abstractmethod
    def due(self, now: Moment) -> ColumnElement[bool]:
        """An SQL condition, true when `claim` would find something at `now` (one index probe).

        `now` is a bound parameter: the engine builds its idle probe once and runs it on every
        tick, so the condition must compare in SQL, never decide in Python.
        """

    @abstractmethod
    async def claim(self, session: AsyncSession, request: ClaimRequest) -> list[Claim]:
        """Claim up to `limit` due messages in the caller's transaction (ledger rows first)."""

    async def prepare(self, session: AsyncSession, claims: list[Claim]) -> list[Claim]:
        """Complete this kind's claims of a batch, retries included, in the claim's transaction.

        A retry comes back from the ledger with only its row; the same order is returned.
        """
        return claims

    @abstractmethod
    async def send(self, bot: Bot, claim: Claim, chat_id: int) -> int:
        """Send one claimed message in the claim's language; returns its message id, raises
        TelegramError."""
