"""Queries shared by the use cases; they never commit: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Insert, Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import CheckIn, Delivery, FocusHabit, Note, Pause, Subscriber
from nudgebot.domain.replies import STREAK_OUTCOMES
from nudgebot.domain.statuses import DeliveryKind
from nudgebot.domain.streaks import PausePeriod


def insert_or_ignore(session: AsyncSession, model: type[Any]) -> Insert:
    """INSERT that silently skips rows violating a unique constraint, on either backend."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    return sqlite.insert(model).on_conflict_do_nothing()


def subscriber_by_chat(chat_id: int, *, for_update: bool = False) -> Select[Subscriber]:
    query = select(Subscriber).where(Subscriber.chat_id == chat_id)
    return query.with_for_update() if for_update else query


async def get_subscriber(
    session: AsyncSession, chat_id: int, *, for_update: bool = False
) -> Subscriber | None:
    result = await session.execute(subscriber_by_chat(chat_id, for_update=for_update))
    return result.scalar_one_or_none()


async def own_tip_delivery(
    session: AsyncSession, subscriber_id: int, delivery_id: int
) -> Delivery | None:
    """The delivery, if it is a daily tip sent to this subscriber; None for anyone else's."""
    delivery = await session.get(Delivery, delivery_id)
    if (
        delivery is None
        or delivery.subscriber_id != subscriber_id
        or delivery.kind != DeliveryKind.TIP
        or not delivery.tip_id
    ):
        return None
    return delivery


async def chosen_language(session: AsyncSession, chat_id: int) -> str | None:
    """One indexed lookup per update, so every reply can be in the subscriber's language."""
    result = await session.execute(select(Subscriber.language).where(Subscriber.chat_id == chat_id))
    return result.scalar_one_or_none()


async def tip_delivery_by_message(
    session: AsyncSession, chat_id: int, message_id: int
) -> Delivery | None:
    result = await session.execute(
        select(Delivery).where(
            Delivery.chat_id == chat_id,
            Delivery.message_id == message_id,
            Delivery.kind == DeliveryKind.TIP,
        )
    )
    return result.scalar_one_or_none()


async def tip_delivery_on(session: AsyncSession, subscriber_id: int, day: date) -> Delivery | None:
    result = await session.execute(
        select(Delivery).where(
            Delivery.subscriber_id == subscriber_id,
            Delivery.kind == DeliveryKind.TIP,
            Delivery.local_date == day,
        )
    )
    return result.scalar_one_or_none()


async def checkin_for(
    session: AsyncSession, subscriber_id: int, day: date, tip_id: str
) -> CheckIn | None:
    result = await session.execute(
        select(CheckIn).where(
            CheckIn.subscriber_id == subscriber_id,
            CheckIn.local_date == day,
            CheckIn.tip_id == tip_id,
        )
    )
    return result.scalar_one_or_none()


async def done_days(session: AsyncSession, subscriber_id: int) -> list[date]:
    result = await session.execute(
        select(CheckIn.local_date)
        .where(CheckIn.subscriber_id == subscriber_id, CheckIn.outcome.in_(STREAK_OUTCOMES))
        .distinct()
    )
    return list(result.scalars())


async def count_checkins(
    session: AsyncSession, subscriber_id: int, *, since: date | None = None
) -> int:
    query = select(func.count()).select_from(CheckIn).where(CheckIn.subscriber_id == subscriber_id)
    if since is not None:
        query = query.where(CheckIn.local_date >= since)
    return int((await session.execute(query)).scalar_one())


def note_by_message(chat_id: int, message_id: int) -> Select[Note]:
    return select(Note).where(Note.chat_id == chat_id, Note.message_id == message_id)


async def pause_periods(session: AsyncSession, subscriber_id: int) -> list[PausePeriod]:
    result = await session.execute(
        select(Pause.start_date, Pause.end_date).where(Pause.subscriber_id == subscriber_id)
    )
    return [(start, end) for start, end in result.all()]


async def focus_by_subscriber(
    session: AsyncSession, subscriber_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """Focus habits of many subscribers in one query (the engine asks once per batch)."""
    if not subscriber_ids:
        return {}
    result = await session.execute(
        select(FocusHabit.subscriber_id, FocusHabit.tip_id)
        .where(FocusHabit.subscriber_id.in_(subscriber_ids))
        .order_by(FocusHabit.subscriber_id, FocusHabit.id)
    )
    focus: dict[int, tuple[str, ...]] = {}
    for subscriber_id, tip_id in result.all():
        focus[subscriber_id] = (*focus.get(subscriber_id, ()), tip_id)
    return focus


async def logged_tips(session: AsyncSession, subscriber_id: int, day: date) -> set[str]:
    """Tips with a check-in of any outcome on that local day."""
    result = await session.execute(
        select(CheckIn.tip_id).where(
            CheckIn.subscriber_id == subscriber_id, CheckIn.local_date == day
        )
    )
    return set(result.scalars())


# Outcomes that count as "logged" for adaptive rotation and the progress picture: doing a
# habit fully or in part both count; "skipped" (not today) does not.
LOGGED_OUTCOMES = ("done", "partly")


async def logged_counts(
    session: AsyncSession, subscriber_ids: Collection[int]
) -> dict[int, dict[str, int]]:
    """How often each subscriber logged each tip, for a whole batch in one query."""
    if not subscriber_ids:
        return {}
    result = await session.execute(
        select(CheckIn.subscriber_id, CheckIn.tip_id, func.count())
        .where(
            CheckIn.subscriber_id.in_(subscriber_ids),
            CheckIn.outcome.in_(LOGGED_OUTCOMES),
        )
        .group_by(CheckIn.subscriber_id, CheckIn.tip_id)
    )
    counts: dict[int, dict[str, int]] = {subscriber_id: {} for subscriber_id in subscriber_ids}
    for subscriber_id, tip_id, count in result.all():
        counts[subscriber_id][tip_id] = int(count)
    return counts
