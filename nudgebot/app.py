"""Builds the python-telegram-bot Application from Settings: handlers, the tick, the send path."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, cast

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder, ContextTypes, ExtBot, JobQueue

from nudgebot.clock import Clock, SystemClock
from nudgebot.config import Settings
from nudgebot.content import Content, load_content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.delivery import DeliveryEngine, EngineOptions
from nudgebot.handlers import register
from nudgebot.handlers.context import BotContext, BotData, Runtime, Services
from nudgebot.ratelimit import SendRateLimiter
from nudgebot.services.checkins import CheckinService
from nudgebot.services.progress import ProgressService
from nudgebot.services.subscriptions import SubscriptionService
from nudgebot.services.tips import TipService
from nudgebot.transport import AiohttpRequest

log = logging.getLogger(__name__)

NudgeApp = Application[
    ExtBot[int], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
]
TICK_JOB = "deliver_due"


def engine_options(settings: Settings) -> EngineOptions:
    return EngineOptions(
        batch_size=settings.batch_size,
        concurrency=settings.send_concurrency,
        catch_up=timedelta(hours=settings.catch_up_hours),
        paid_broadcast=settings.paid_broadcast,
        lease=timedelta(seconds=settings.claim_lease_seconds),
    )


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    content: Content | None = None,
    migrate: bool = True,
    send_timeout: float = 5.0,
) -> NudgeApp:
    """Everything wired, nothing started: no I/O happens until the Application initializes."""
    clock = clock or SystemClock()
    content = content or load_content(settings.content_dir)
    database = create_engine(settings.database_url)
    sessions = create_session_factory(database)
    paid_rate = 1000.0 if settings.paid_broadcast else settings.send_rate
    application = cast(
        NudgeApp,
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.telegram_api_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .request(
            AiohttpRequest(
                connection_pool_size=settings.send_concurrency,
                read_timeout=send_timeout,
                # Sends wait for the rate limiter before they take a connection, so a queue
                # for the pool means too much concurrency, not a slow Telegram.
                pool_timeout=None,
            )
        )
        .get_updates_request(AiohttpRequest(connection_pool_size=2, read_timeout=10.0))
        .rate_limiter(
            SendRateLimiter(overall_per_second=settings.send_rate, paid_per_second=paid_rate)
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build(),
    )
    application.bot_data.services = Services(
        content=content,
        clock=clock,
        subscriptions=SubscriptionService(
            sessions,
            clock,
            default_timezone=settings.default_timezone,
            default_send_time=settings.send_time,
        ),
        checkins=CheckinService(sessions, clock),
        progress=ProgressService(sessions, clock),
        tips=TipService(sessions, clock, content),
        admin_ids=settings.admin_ids,
    )
    engine = DeliveryEngine(sessions, application.bot, content, clock, engine_options(settings))
    application.bot_data.runtime = Runtime(settings, database, engine, migrate)
    register(application)
    return application


async def _post_init(application: NudgeApp) -> None:
    runtime = application.bot_data.runtime
    if runtime.migrate:
        await upgrade_to_head(runtime.database)
    content = application.bot_data.services.content
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in content.commands.items()]
    )
    job_queue = application.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    job_queue.run_repeating(
        _tick,
        interval=runtime.settings.tick_seconds,
        first=0.1,
        name=TICK_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    log.info("nudgebot started; delivering every %ss", runtime.settings.tick_seconds)


async def _tick(context: BotContext) -> None:
    # kick() returns at once; one drain loop runs while work is due, so no tick is lost.
    await context.bot_data.runtime.engine.kick()


async def _post_shutdown(application: NudgeApp) -> None:
    runtime = application.bot_data.runtime
    await runtime.engine.stop()
    await runtime.database.dispose()
