"""The snoozed-tip reminder as a delivery source: each day's one reminder, restart-safe."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode

from nudgebot.content.model import Content
from nudgebot.db import snoozes
from nudgebot.db.ledger import Moment
from nudgebot.db.snoozes import ReminderPlan
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.source import Source
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.statuses import DeliveryKind
from nudgebot.render.keyboards import as_buttons, checkin_pairs, focus_pairs
from nudgebot.telegram.send_class import bulk_sends


class ReminderSource(Source):
    """Kind 'reminder', in the subscriber's language, with the tip's check-in buttons.

    Pending snoozes live in the database, so a restart between snoozing and reminding loses
    nothing: the next tick of whichever process runs claims them.
    """

    kind = DeliveryKind.REMINDER

    def __init__(
        self,
        content: Content,
        sessions: async_sessionmaker[AsyncSession],
        options: EngineOptions,
    ) -> None:
        self._content = content
        self._sessions = sessions
        self._catch_up = options.catch_up
        # Plans from this process's claims; a retry claimed elsewhere is planned again on send.
        self._plans: dict[int, ReminderPlan] = {}

    def due(self, now: Moment) -> ColumnElement[bool]:
        return exists().where(snoozes.reminder_due(now))

    async def claim(self, session: AsyncSession, request: ClaimRequest) -> list[Claim]:
        reminders = await snoozes.claim_reminders(session, request, catch_up=self._catch_up)
        self._plans.update((claim.delivery_id, plan) for claim, plan in reminders)
        return [claim for claim, _ in reminders]

    async def send(self, bot: Bot, claim: Claim, chat_id: int) -> int:
        plan = self._plans.pop(claim.delivery_id, None) or await self._plan_again(claim)
        content = self._content.for_language(claim.language)
        tip = content.tip(claim.tip_id)
        rows = []
        if plan.tip_delivery_id is not None:
            # The same check-in buttons as the tip, minus Snooze: one reminder a day is enough.
            rows = as_buttons(
                checkin_pairs(content, plan.tip_delivery_id, snooze=False)
                + focus_pairs(content, plan.tip_delivery_id, plan.focus, skip=claim.tip_id)
            )
        with bulk_sends():  # scheduled: replies to updates go first
            message = await bot.send_message(
                chat_id=chat_id,
                text=content.text("reminder", title=tip.title),
                parse_mode=ParseMode.HTML,
                reply_markup=InlineKeyboardMarkup(rows) if rows else None,
            )
        return message.message_id

    async def _plan_again(self, claim: Claim) -> ReminderPlan:
        async with self._sessions() as session:
            return await snoozes.reminder_plan(session, claim.subscriber_id, claim.local_date)
