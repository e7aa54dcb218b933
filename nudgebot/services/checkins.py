"""Recording check-ins from buttons, /log and text replies, each logged exactly once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import queries
from nudgebot.db.models import CheckIn, Delivery, Note, NoteCheckIn, Subscriber
from nudgebot.db.snoozes import cancel_pending
from nudgebot.domain.habit_match import HabitMatcher, HabitMention
from nudgebot.domain.replies import Outcome, classify_reply
from nudgebot.domain.schedule import local_today
from nudgebot.domain.streaks import Streaks, compute_streaks
from nudgebot.services.checkin_results import ButtonResult, Logged, TextResult
from nudgebot.services.lookups import subscribed

# Notes longer than this are matched in a worker thread (a few in a thousand notes are).
LONG_NOTE = 1000


class CheckinService:
    """The one place where check-ins and notes are written."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        matcher: HabitMatcher | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._matcher = matcher

    async def record_button(
        self,
        chat_id: int,
        delivery_id: int,
        outcome: Outcome,
        *,
        tip_id: str | None = None,
        source: str = "button",
    ) -> Logged:
        """A press under a tip (or reminder); `tip_id` names a focus habit instead of the tip."""
        try:
            return await self._record_button(chat_id, delivery_id, outcome, tip_id, source)
        except IntegrityError:
            # Two presses raced for the same day's row; the second now finds the first's.
            return await self._record_button(chat_id, delivery_id, outcome, tip_id, source)

    async def _record_button(
        self, chat_id: int, delivery_id: int, outcome: Outcome, tip_id: str | None, source: str
    ) -> Logged:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            subscriber = await subscribed(session, chat_id)
            delivery = await queries.own_tip_delivery(session, subscriber.id, delivery_id)
            if delivery is None:
                return Logged(
                    ButtonResult.NOT_YOURS, None, await _streaks(session, subscriber, now)
                )
            today = local_today(now, ZoneInfo(subscriber.timezone))
            if delivery.local_date < today - timedelta(days=1):
                return Logged(ButtonResult.STALE, None, await _streaks(session, subscriber, now))
            habit = tip_id or delivery.tip_id
            assert habit is not None  # own_tip_delivery only returns tips with a tip id
            result, _ = await _log(
                session, subscriber, delivery.local_date, habit, delivery, outcome, source, now
            )
            await session.flush()
            return Logged(result, outcome, await _streaks(session, subscriber, now), habit)

    async def log_yesterday(self, chat_id: int) -> Logged:
        """/log yesterday: yesterday's tip as done, allowed until the end of today."""
        now = self._clock.now()
        async with self._sessions() as session:
            subscriber = await subscribed(session, chat_id)
            yesterday = local_today(now, ZoneInfo(subscriber.timezone)) - timedelta(days=1)
            delivery = await queries.tip_delivery_on(session, subscriber.id, yesterday)
            if delivery is None or delivery.status not in ("sent", "unknown"):
                return Logged(ButtonResult.NO_TIP, None, await _streaks(session, subscriber, now))
            delivery_id = delivery.id
        return await self.record_button(chat_id, delivery_id, Outcome.DONE, source="log")

    async def record_text(
        self, chat_id: int, message_id: int, text: str, *, reply_to_message_id: int | None
    ) -> Logged:
        """A free-text reply: a note, and check-ins for the habits it names (or the tip)."""
        try:
            return await self._record_text(chat_id, message_id, text, reply_to_message_id)
        except IntegrityError:
            # The same message arrived twice at once; the retry sees it was logged.
            return await self._record_text(chat_id, message_id, text, reply_to_message_id)

    async def _record_text(
        self, chat_id: int, message_id: int, text: str, reply_to_message_id: int | None
    ) -> Logged:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            subscriber = await subscribed(session, chat_id)
            if await session.scalar(
                queries.note_by_message(chat_id, message_id).with_only_columns(Note.id)
            ):
                return Logged(TextResult.DUPLICATE, None, await _streaks(session, subscriber, now))
            today = local_today(now, ZoneInfo(subscriber.timezone))
            delivery = await _delivery_for_reply(session, subscriber, reply_to_message_id, today)
            note = Note(
                subscriber_id=subscriber.id,
                chat_id=chat_id,
                message_id=message_id,
                local_date=delivery.local_date if delivery else today,
                text=text,
                created_at=now,
            )
            session.add(note)
            mentions = await self._mentions(text, delivery.tip_id if delivery else None)
            if mentions:
                return await self._record_habits(session, subscriber, note, delivery, mentions)
            if delivery is None or not delivery.tip_id:
                await session.flush()
                return Logged(TextResult.JOURNAL, None, await _streaks(session, subscriber, now))
            outcome = classify_reply(text)
            await cancel_pending(session, subscriber.id, delivery.local_date, delivery.tip_id)
            checkin = await queries.checkin_for(
                session, subscriber.id, delivery.local_date, delivery.tip_id
            )
            if checkin is None:
                checkin = _new_checkin(
                    subscriber,
                    delivery.local_date,
                    delivery.tip_id,
                    delivery,
                    outcome,
                    "reply",
                    now,
                )
                session.add(checkin)
            elif checkin.source == "reply" or outcome == Outcome.DONE:
                # A button answer stands unless the words say otherwise: "did it" confirms it.
                checkin.outcome = outcome
                checkin.updated_at = now
            await session.flush()
            note.checkin_id = checkin.id
            result = TextResult(checkin.outcome)
            return Logged(
                result,
                Outcome(checkin.outcome),
                await _streaks(session, subscriber, now),
                delivery.tip_id,
            )

    async def _mentions(self, text: str, prefer: str | None) -> list[HabitMention]:
        if self._matcher is None:
            return []
        if len(text) <= LONG_NOTE:
            return self._matcher.match(text, prefer=prefer)
        # A long note costs the matcher up to ~2 ms of CPU; off the event loop, so replies
        # to other chats never wait behind it.
        return await asyncio.to_thread(self._matcher.match, text, prefer=prefer)

    async def _record_habits(
        self,
        session: AsyncSession,
        subscriber: Subscriber,
        note: Note,
        delivery: Delivery | None,
        mentions: list[HabitMention],
    ) -> Logged:
        """One check-in per habit named, on the replied-to tip's day (or today)."""
        now = self._clock.now()
        day = note.local_date
        created: list[CheckIn] = []
        for mention in mentions:
            _, checkin = await _log(
                session, subscriber, day, mention.tip_id, delivery, mention.outcome, "reply", now
            )
            if checkin is not None:
                created.append(checkin)
        await session.flush()
        session.add_all(NoteCheckIn(note_id=note.id, checkin_id=c.id) for c in created)
        note.checkin_id = created[0].id if created else None
        return Logged(
            TextResult.HABITS,
            None,
            await _streaks(session, subscriber, now),
            habits=tuple(mentions),
            note_id=note.id,
        )

    async def undo_note(self, chat_id: int, note_id: int) -> list[str]:
        """Remove exactly the check-ins this note created; returns their tips (empty: none)."""
        async with self._sessions.begin() as session:
            subscriber = await subscribed(session, chat_id)
            note = await session.get(Note, note_id)
            if note is None or note.subscriber_id != subscriber.id:
                return []
            checkin_ids = list(
                (
                    await session.execute(
                        select(NoteCheckIn.checkin_id).where(NoteCheckIn.note_id == note_id)
                    )
                ).scalars()
            )
            if not checkin_ids:
                return []
            await session.execute(delete(NoteCheckIn).where(NoteCheckIn.note_id == note_id))
            note.checkin_id = None
            await session.flush()
            removed = await session.execute(
                delete(CheckIn)
                .where(CheckIn.id.in_(checkin_ids), CheckIn.subscriber_id == subscriber.id)
                .returning(CheckIn.tip_id)
            )
            return list(removed.scalars())

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> bool:
        """An edited reply updates its note; True when there was a note to update."""
        async with self._sessions.begin() as session:
            note = await session.scalar(queries.note_by_message(chat_id, message_id))
            if note is None:
                return False
            note.text = text
            note.edited_at = self._clock.now()
            return True


async def _log(
    session: AsyncSession,
    subscriber: Subscriber,
    day: date,
    tip_id: str,
    delivery: Delivery | None,
    outcome: Outcome,
    source: str,
    now: datetime,
) -> tuple[ButtonResult, CheckIn | None]:
    """Write one day's check-in for a habit; returns what happened and the row if new."""
    # First, so a pending reminder is either already claimed or cancelled: never both.
    await cancel_pending(session, subscriber.id, day, tip_id)
    existing = await queries.checkin_for(session, subscriber.id, day, tip_id)
    if existing is None:
        checkin = _new_checkin(subscriber, day, tip_id, delivery, outcome, source, now)
        session.add(checkin)
        return ButtonResult.RECORDED, checkin
    if existing.outcome == outcome:
        return ButtonResult.UNCHANGED, None
    existing.outcome = outcome
    existing.source = source
    existing.updated_at = now
    return ButtonResult.CHANGED, None


async def _delivery_for_reply(
    session: AsyncSession, subscriber: Subscriber, reply_to_message_id: int | None, today: date
) -> Delivery | None:
    if reply_to_message_id is not None:
        replied = await queries.tip_delivery_by_message(
            session, subscriber.chat_id, reply_to_message_id
        )
        if replied is not None and replied.subscriber_id == subscriber.id:
            return replied
    # Free text on a day with a tip is about that tip; late at night, maybe about yesterday's.
    for day in (today, today - timedelta(days=1)):
        delivery = await queries.tip_delivery_on(session, subscriber.id, day)
        if delivery is not None and delivery.status in ("sent", "unknown"):
            return delivery
    return None


def _new_checkin(
    subscriber: Subscriber,
    day: date,
    tip_id: str,
    delivery: Delivery | None,
    outcome: Outcome,
    source: str,
    now: datetime,
) -> CheckIn:
    # Linked to the delivery only when it is about that delivery's own tip.
    linked = delivery is not None and delivery.tip_id == tip_id and delivery.local_date == day
    return CheckIn(
        subscriber_id=subscriber.id,
        delivery_id=delivery.id if linked and delivery is not None else None,
        local_date=day,
        tip_id=tip_id,
        outcome=outcome,
        source=source,
        created_at=now,
        updated_at=now,
    )


async def _streaks(session: AsyncSession, subscriber: Subscriber, now: datetime) -> Streaks:
    today = local_today(now, ZoneInfo(subscriber.timezone))
    return compute_streaks(
        await queries.done_days(session, subscriber.id),
        today,
        await queries.pause_periods(session, subscriber.id),
    )
