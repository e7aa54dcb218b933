"""The daily tip as a delivery source: who is due, the next tip of the rotation, its buttons."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, exists
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.constants import ParseMode

from nudgebot.content.model import Content
from nudgebot.db import queries, tips
from nudgebot.db.ledger import Moment
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.source import Source
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.statuses import DeliveryKind
from nudgebot.render.keyboards import keyboard_json, tip_buttons
from nudgebot.telegram.prepared_call import post_prepared


class TipSource(Source):
    """One tip per subscriber and local day, rendered in the subscriber's language."""

    kind = DeliveryKind.TIP

    def __init__(self, content: Content, options: EngineOptions) -> None:
        self._content = content
        self._catch_up = options.catch_up
        self._paid_broadcast = options.paid_broadcast
        # Rendered once per (language, tip): every subscriber of a language gets the same text.
        self._texts: dict[tuple[str, str], str] = {}

    def due(self, now: Moment) -> ColumnElement[bool]:
        return exists().where(tips.tip_due(now))

    async def claim(self, session: AsyncSession, request: ClaimRequest) -> list[Claim]:
        return await tips.claim_due(
            session, request, tip_order=self._content.tip_ids, catch_up=self._catch_up
        )

    async def prepare(self, session: AsyncSession, claims: list[Claim]) -> list[Claim]:
        return await attach_focus(session, claims)

    async def send(self, bot: Bot, claim: Claim, chat_id: int) -> int:
        content = self._content.for_language(claim.language)
        buttons = tip_buttons(content, claim.delivery_id, claim.focus, claim.tip_id)
        params: dict[str, object] = {
            "chat_id": chat_id,
            "text": self._text(content, claim.tip_id),
            "parse_mode": ParseMode.HTML.value,
            "reply_markup": keyboard_json(buttons),
        }
        if self._paid_broadcast:
            params["allow_paid_broadcast"] = True
        result = await post_prepared(bot, "sendMessage", params)
        return int(result["message_id"])

    def _text(self, content: Content, tip_id: str) -> str:
        key = (content.language, tip_id)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = content.render_tip(content.tip(tip_id))
        return text


async def attach_focus(session: AsyncSession, claims: list[Claim]) -> list[Claim]:
    """Attach each tip's focus habits, fetched for the whole batch in one query."""
    subscriber_ids = [claim.subscriber_id for claim in claims if claim.kind == DeliveryKind.TIP]
    focus = await queries.focus_by_subscriber(session, subscriber_ids)
    if not focus:
        return claims
    return [
        replace(claim, focus=focus[claim.subscriber_id])
        if claim.kind == DeliveryKind.TIP and claim.subscriber_id in focus
        else claim
        for claim in claims
    ]
