"""The weekly summary as a delivery source: the 4-week picture and a line, in their language."""

from __future__ import annotations

import asyncio

from sqlalchemy import ColumnElement, exists
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InputFile
from telegram.constants import ParseMode

from nudgebot.clock import Clock
from nudgebot.content.model import Content
from nudgebot.db.ledger import Moment
from nudgebot.db.summaries import claim_summaries, quiet_until, summary_due
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.source import Source
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.encouragement import choose_line, week_facts
from nudgebot.domain.statuses import DeliveryKind
from nudgebot.render.captions import summary_caption
from nudgebot.render.picture import PICTURE_FILENAME, labels_from, render_progress
from nudgebot.services.progress import habits_of, load_progress
from nudgebot.telegram.send_class import bulk_sends


class SummarySource(Source):
    """One summary per subscriber-week: the 4-week picture and a line chosen from the week."""

    kind = DeliveryKind.SUMMARY

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        content: Content,
        options: EngineOptions,
        clock: Clock,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._content = content
        self._catch_up = options.catch_up
        self._paid_broadcast = options.paid_broadcast

    def due(self, now: Moment) -> ColumnElement[bool]:
        return exists().where(summary_due(now))

    async def claim(self, session: AsyncSession, request: ClaimRequest) -> list[Claim]:
        return await claim_summaries(session, request, catch_up=self._catch_up)

    async def send(self, bot: Bot, claim: Claim, chat_id: int) -> int:
        content = self._content.for_language(claim.language)
        # The week is the one ending on the summary's local date, even when sent late.
        async with self._sessions() as session:
            data = await load_progress(
                session, claim.subscriber_id, claim.local_date, habits_of(content)
            )
            quiet = await quiet_until(session, claim.subscriber_id)
        # On the day of a crisis reply: the picture and the facts, no encouragement line.
        line = None if quiet and self._clock.now() < quiet else choose_line(week_facts(data))
        # Drawing is CPU work: a worker thread keeps the other sends in the batch moving.
        png = await asyncio.to_thread(render_progress, data, labels_from(content))
        with bulk_sends():  # scheduled: replies to updates go first
            message = await bot.send_photo(
                chat_id=chat_id,
                photo=InputFile(png, filename=PICTURE_FILENAME),
                caption=summary_caption(content, data, line),
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=True if self._paid_broadcast else None,
            )
        return message.message_id
