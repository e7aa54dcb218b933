"""Recording check-ins from tip buttons and from text replies, each logged exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import queries
from nudgebot.db.models import CheckIn, Delivery, Note, Subscriber
from nudgebot.domain.replies import Outcome, classify_reply
from nudgebot.domain.schedule import local_today
from nudgebot.domain.streaks import Streaks, compute_streaks
from nudgebot.services.views import NotSubscribedError


class ButtonResult(StrEnum):
    RECORDED = "recorded"
    CHANGED = "changed"  # a second press the same day changed the answer
    UNCHANGED = "unchanged"  # the same answer pressed again: nothing new to log
    STALE = "stale"  # a tip from before yesterday
    NOT_YOURS = "not_yours"  # the delivery belongs to another chat, or no longer exists


class TextResult(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    JOURNAL = "journal"  # no tip to attach it to yet: kept as a note
    DUPLICATE = "duplicate"  # Telegram delivered the same message twice


@dataclass(frozen=True, slots=True)
class Logged:
    result: ButtonResult | TextResult
    outcome: Outcome | None
    streaks: Streaks
    tip_id: str | None = None


class CheckinService:
    """The one place where check-ins and notes are written."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def record_button(self, chat_id: int, delivery_id: int, outcome: Outcome) -> Logged:
        try:
            return await self._record_button(chat_id, delivery_id, outcome)
        except IntegrityError:
            # Two presses raced for the same day's row; the second now finds the first's.
            return await self._record_button(chat_id, delivery_id, outcome)

    async def _record_button(self, chat_id: int, delivery_id: int, outcome: Outcome) -> Logged:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            subscriber = await _subscriber(session, chat_id)
            delivery = await session.get(Delivery, delivery_id)
            if delivery is None or delivery.subscriber_id != subscriber.id or not delivery.tip_id:
                return Logged(
                    ButtonResult.NOT_YOURS, None, await _streaks(session, subscriber, now)
                )
            today = local_today(now, ZoneInfo(subscriber.timezone))
            if delivery.local_date < today - timedelta(days=1):
                return Logged(ButtonResult.STALE, None, await _streaks(session, subscriber, now))
            existing = await queries.checkin_for(
                session, subscriber.id, delivery.local_date, delivery.tip_id
            )
            if existing is None:
                session.add(_new_checkin(subscriber, delivery, outcome, "button", now))
                result = ButtonResult.RECORDED
            elif existing.outcome == outcome:
                result = ButtonResult.UNCHANGED
            else:
                existing.outcome = outcome
                existing.source = "button"
                existing.updated_at = now
                result = ButtonResult.CHANGED
            await session.flush()
            return Logged(
                result, outcome, await _streaks(session, subscriber, now), delivery.tip_id
            )

    async def record_text(
        self, chat_id: int, message_id: int, text: str, *, reply_to_message_id: int | None
    ) -> Logged:
        """A free-text reply: a note, and a check-in for the tip it answers."""
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
            subscriber = await _subscriber(session, chat_id)
            if await session.scalar(
                queries.note_by_message(chat_id, message_id).with_only_columns(Note.id)
            ):
                return Logged(TextResult.DUPLICATE, None, await _streaks(session, subscriber, now))
            today = local_today(now, ZoneInfo(subscriber.timezone))
            delivery = await _delivery_for_reply(session, subscriber, reply_to_message_id, today)
            outcome = classify_reply(text)
            note = Note(
                subscriber_id=subscriber.id,
                chat_id=chat_id,
                message_id=message_id,
                local_date=delivery.local_date if delivery else today,
                text=text,
                created_at=now,
            )
            session.add(note)
            if delivery is None or not delivery.tip_id:
                await session.flush()
                return Logged(TextResult.JOURNAL, None, await _streaks(session, subscriber, now))
            checkin = await queries.checkin_for(
                session, subscriber.id, delivery.local_date, delivery.tip_id
            )
            if checkin is None:
                checkin = _new_checkin(subscriber, delivery, outcome, "reply", now)
                session.add(checkin)
            elif checkin.source == "reply" or outcome == Outcome.DONE:
                # A button answer stands unless the words say otherwise: "did it" confirms it.
                checkin.outcome = outcome
                checkin.updated_at = now
            await session.flush()
            note.checkin_id = checkin.id
            result = TextResult.DONE if checkin.outcome == Outcome.DONE else TextResult.SKIPPED
            return Logged(
                result,
                Outcome(checkin.outcome),
                await _streaks(session, subscriber, now),
                delivery.tip_id,
            )

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> bool:
        """An edited reply updates its note; True when there was a note to update."""
        async with self._sessions.begin() as session:
            note = await session.scalar(queries.note_by_message(chat_id, message_id))
            if note is None:
                return False
            note.text = text
            note.edited_at = self._clock.now()
            return True


async def _subscriber(session: AsyncSession, chat_id: int) -> Subscriber:
    subscriber = await queries.get_subscriber(session, chat_id)
    if subscriber is None:
        raise NotSubscribedError(chat_id)
    return subscriber


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
    subscriber: Subscriber, delivery: Delivery, outcome: Outcome, source: str, now: datetime
) -> CheckIn:
    assert delivery.tip_id is not None
    return CheckIn(
        subscriber_id=subscriber.id,
        delivery_id=delivery.id,
        local_date=delivery.local_date,
        tip_id=delivery.tip_id,
        outcome=outcome,
        source=source,
        created_at=now,
        updated_at=now,
    )


async def _streaks(session: AsyncSession, subscriber: Subscriber, now: datetime) -> Streaks:
    today = local_today(now, ZoneInfo(subscriber.timezone))
    return compute_streaks(await queries.done_days(session, subscriber.id), today)
