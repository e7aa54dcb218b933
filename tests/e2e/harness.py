"""Runs the real nudgebot Application, polling over HTTP, against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.app import TICK_JOB, NudgeApp, build_application
from nudgebot.clock import ManualClock
from nudgebot.config import Settings
from nudgebot.db.engine import create_session_factory
from nudgebot.db.models import Subscriber
from nudgebot.delivery import DeliveryEngine, TickReport
from tests.fakebotapi import FakeBotApi, FakeUser

TICK_SECONDS = 0.05  # the tick's real interval; the clock itself only moves when a test says


@dataclass
class Bot:
    """The running bot, as a test sees it."""

    app: NudgeApp
    fake: FakeBotApi
    clock: ManualClock
    reports: list[TickReport] = field(default_factory=list)  # every tick's, in order

    @property
    def engine(self) -> DeliveryEngine:
        return self.app.bot_data.runtime.engine

    @cached_property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return create_session_factory(self.app.bot_data.runtime.database)

    async def deliver_now(self) -> TickReport:
        """Run one delivery pass right away; report everything delivered meanwhile.

        A drain the periodic tick started before the test moved the clock reads the new time
        too and may deliver first: what it did counts as part of this pass. The periodic tick
        is held meanwhile, so no drain starts that this pass would not wait for.
        """
        first = len(self.reports)
        job_queue = self.app.job_queue
        assert job_queue is not None
        [tick_job] = job_queue.get_jobs_by_name(TICK_JOB)
        tick_job.enabled = False
        # APScheduler counts a run from its submission to its end; a tick submitted just
        # before the hold may still be on its way to kick(). (Private, but exact.)
        executor = job_queue.scheduler._lookup_executor("default")
        try:
            while executor._instances.get(tick_job.job.id):  # noqa: ASYNC110
                await asyncio.sleep(0.005)
            await self.engine.wait_idle()
            await self.engine.tick()
        finally:
            tick_job.enabled = True
        return _total(self.reports[first:])

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


def settings_for(fake: FakeBotApi, database_url: str) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=fake.token,
        NUDGEBOT_DATABASE_URL=database_url,
        NUDGEBOT_TELEGRAM_API_URL=fake.base_url,
        NUDGEBOT_TICK_SECONDS=TICK_SECONDS,
        NUDGEBOT_DEFAULT_TIMEZONE="UTC",
        NUDGEBOT_DEFAULT_SEND_TIME="09:00",
        NUDGEBOT_SEND_RATE=1000,
    )


@asynccontextmanager
async def running_bot(
    fake: FakeBotApi, database_url: str, clock: ManualClock, *, send_timeout: float = 5.0
) -> AsyncIterator[Bot]:
    """Start the Application the way run_polling does, and stop it the same way."""
    app = build_application(
        settings_for(fake, database_url), clock=clock, send_timeout=send_timeout
    )
    bot = Bot(app, fake, clock)
    engine = bot.engine
    tick = engine.tick

    async def recorded_tick() -> TickReport:
        report = await tick()
        bot.reports.append(report)
        return report

    engine.tick = recorded_tick  # type: ignore[method-assign]
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


def _total(reports: list[TickReport]) -> TickReport:
    total = TickReport()
    for report in reports:
        for name in (f.name for f in fields(TickReport)):
            setattr(total, name, getattr(total, name) + getattr(report, name))
    return total
