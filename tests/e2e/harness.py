"""Runs the real nudgebot Application, polling over HTTP, against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fakebotapi import FakeBotApi, FakeUser
from nudgebot.app.builder import NudgeApp, build_application
from nudgebot.clock import ManualClock
from nudgebot.config import Settings
from nudgebot.db.engine import create_session_factory
from nudgebot.db.models import Subscriber
from nudgebot.delivery.engine import DeliveryEngine, TickReport

TICK_SECONDS = 0.05  # the tick's real interval; the clock itself only moves when a test says


@dataclass
class Bot:
    """The running bot, as a test sees it."""

    app: NudgeApp
    fake: FakeBotApi
    clock: ManualClock

    @property
    def engine(self) -> DeliveryEngine:
        return self.app.bot_data.runtime.engine

    @cached_property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return create_session_factory(self.app.bot_data.runtime.database)

    async def deliver_now(self) -> TickReport:
        """Run one delivery pass right away; reports what every pass did meanwhile.

        The periodic tick keeps running too and may claim the work first, so the report is
        the difference of the engine's running totals, whoever did the work.
        """
        before = replace(self.engine.totals)
        await self.engine.wait_idle()
        await self.engine.tick()
        await self.engine.wait_idle()
        return self.engine.totals.since(before)

    async def subscriber(self, chat_id: int) -> Subscriber | None:
        async with self.sessions() as session:
            result = await session.execute(select(Subscriber).where(Subscriber.chat_id == chat_id))
            return result.scalar_one_or_none()

    async def say(self, user: FakeUser, text: str, expect: str = "") -> str:
        """The user sends text (or a command) and waits for the bot's next answer."""
        before = len(user.inbox())
        if text.startswith("/"):
            user.send_command(text)
        else:
            user.send_text(text)
        message = await self.fake.wait_for_message(user.chat_id, expect, after=before)
        return message.text


def settings_for(
    fake: FakeBotApi,
    database_url: str,
    *,
    admin_ids: str = "",
    tick_seconds: float = TICK_SECONDS,
) -> Settings:
    return Settings(
        NUDGEBOT_ADMIN_IDS=admin_ids,
        TELEGRAM_BOT_TOKEN=fake.token,
        NUDGEBOT_DATABASE_URL=database_url,
        NUDGEBOT_TELEGRAM_API_URL=fake.base_url,
        NUDGEBOT_TICK_SECONDS=tick_seconds,
        NUDGEBOT_DEFAULT_TIMEZONE="UTC",
        NUDGEBOT_DEFAULT_SEND_TIME="09:00",
        NUDGEBOT_SEND_RATE=1000,
    )


@asynccontextmanager
async def running_bot(
    fake: FakeBotApi,
    database_url: str,
    clock: ManualClock,
    *,
    send_timeout: float = 5.0,
    admin_ids: str = "",
    tick_seconds: float = TICK_SECONDS,
) -> AsyncIterator[Bot]:
    """Start the Application the way run_polling does, and stop it the same way."""
    app = build_application(
        settings_for(fake, database_url, admin_ids=admin_ids, tick_seconds=tick_seconds),
        clock=clock,
        send_timeout=send_timeout,
    )
    bot = Bot(app, fake, clock)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)
    await app.start()
    try:
        yield bot
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
