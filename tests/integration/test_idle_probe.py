"""The idle tick's probe: one read that finds due work, and never waits behind a writer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Bot

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.sources.tips import TipSource
from nudgebot.services.subscriptions import SubscriptionService

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def engine_for(
    sessions: async_sessionmaker[AsyncSession], content: Content, clock: ManualClock
) -> DeliveryEngine:
    # Never initialized: the probe sends nothing.
    options = EngineOptions()
    return DeliveryEngine(
        sessions,
        Bot("123:abc", base_url="http://127.0.0.1:9/bot"),
        clock,
        options,
        [TipSource(content, options)],
    )


async def test_the_probe_finds_nothing_before_the_send_time_and_a_tip_at_it(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    service = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    await service.start(1, user_id=1, language_code="en")
    delivery = engine_for(sessions, content, clock)

    assert not await delivery._anything_due(NINE - timedelta(minutes=1))
    assert await delivery._anything_due(NINE)
    assert not await delivery._anything_due(NINE - timedelta(minutes=1))  # the same statement


async def test_the_probe_does_not_wait_for_a_writer_in_another_connection(
    database: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    delivery = engine_for(sessions, content, clock)
    async with database.connect() as writer:
        # On SQLite this holds the write lock (BEGIN IMMEDIATE), as a claiming replica does.
        await writer.execute(text("UPDATE subscribers SET updated_at = updated_at"))
        found = await asyncio.wait_for(delivery._anything_due(NINE), timeout=2)
        await writer.rollback()

    assert found is False
