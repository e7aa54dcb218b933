"""The weekly summary as a delivery source: the engine claims it and sends the picture."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InputFile
from telegram.constants import ParseMode

from nudgebot.content.model import Content
from nudgebot.db.ledger import ClaimCounts, Job, Moment
from nudgebot.db.models import DeliveryKind, Subscriber
from nudgebot.db.summaries import claim_summaries
from nudgebot.domain.encouragement import choose_line, week_facts
from nudgebot.render.captions import summary_caption
from nudgebot.render.picture import PICTURE_FILENAME, labels_from, render_progress
from nudgebot.services.progress import habits_of, load_progress


class SummarySource:
    """One summary per subscriber-week: the 4-week picture and a line chosen from the week."""

    kind = DeliveryKind.SUMMARY

    def due(self, now: Moment) -> ColumnElement[bool]:
        return exists().where(Subscriber.next_summary_at <= now)

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        content: Content,
        *,
        catch_up: timedelta,
        paid_broadcast: bool = False,
    ) -> None:
        self._sessions = sessions
        self._content = content
        self._catch_up = catch_up
        self._paid_broadcast = paid_broadcast
        self._habits = habits_of(content)
        self._labels = labels_from(content)

    async def claim(
        self,
        session: AsyncSession,
        now: datetime,
        *,
        limit: int,
        claimed_by: str,
        counts: ClaimCounts,
    ) -> list[Job]:
        return await claim_summaries(
            session,
            now,
            limit=limit,
            catch_up=self._catch_up,
            claimed_by=claimed_by,
            counts=counts,
        )

    async def send(self, bot: Bot, job: Job, chat_id: int) -> int:
        # The week is the one ending on the summary's local date, even when sent late.
        async with self._sessions() as session:
            data = await load_progress(session, job.subscriber_id, job.local_date, self._habits)
        line = choose_line(week_facts(data))
        # Drawing is CPU work: a worker thread keeps the other sends in the batch moving.
        png = await asyncio.to_thread(render_progress, data, self._labels)
        message = await bot.send_photo(
            chat_id=chat_id,
            photo=InputFile(png, filename=PICTURE_FILENAME),
            caption=summary_caption(self._content, data, line),
            parse_mode=ParseMode.HTML,
            allow_paid_broadcast=True if self._paid_broadcast else None,
        )
        return message.message_id
