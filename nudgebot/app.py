"""Builds the python-telegram-bot Application from Settings: handlers, the tick, the send path."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, cast

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    ExtBot,
    JobQueue,
    TypeHandler,
)

from nudgebot.broadcast_source import BroadcastSource
from nudgebot.clock import Clock, SystemClock
from nudgebot.config import Settings
from nudgebot.content import Content, load_content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.delivery import DeliveryEngine, EngineOptions, Source, TickReport
from nudgebot.domain.habit_match import HabitMatcher
from nudgebot.handlers import register
from nudgebot.handlers.context import BotContext, BotData, Runtime, Services
from nudgebot.health import Health
from nudgebot.lean_transport import LeanHttpRequest
from nudgebot.logs import hide_private_data_in_logs
from nudgebot.metrics import Metrics
from nudgebot.observers import MeteredCheckinService, count_error, count_update
from nudgebot.ratelimit import SendRateLimiter
from nudgebot.reminders import ReminderSource
from nudgebot.services.data_rights import DataRightsService
from nudgebot.services.focus import FocusService
from nudgebot.services.progress import ProgressService
from nudgebot.services.safety import SafetyService
from nudgebot.services.snoozes import SnoozeService
from nudgebot.services.stats import StatsService
from nudgebot.services.subscriptions import SubscriptionService
from nudgebot.services.summary_settings import SummaryService
from nudgebot.services.tips import TipService
from nudgebot.services.updates import UpdateOnce
from nudgebot.summary_source import SummarySource
from nudgebot.transport import AiohttpRequest
from nudgebot.zone_countries import load_zone_countries

log = logging.getLogger(__name__)

NudgeApp = Application[
    ExtBot[int], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
]
TICK_JOB = "deliver_due"
PRUNE_JOB = "forget_old_update_ids"
PRUNE_EVERY_SECONDS = 3600.0
# Runs before every handler group, so each update is counted whatever handles it.
COUNTING_GROUP = -100


def engine_options(settings: Settings) -> EngineOptions:
    return EngineOptions(
        batch_size=settings.batch_size,
        concurrency=settings.send_concurrency,
        catch_up=timedelta(hours=settings.catch_up_hours),
        paid_broadcast=settings.paid_broadcast,
        lease=timedelta(seconds=settings.claim_lease_seconds),
    )


def habit_matcher(content: Content) -> HabitMatcher:
    """Habit keywords of every language, so a note is understood in whichever it was written."""
    keywords: dict[str, list[str]] = {}
    for language in content.languages:
        for tip in content.for_language(language.code).tips:
            keywords.setdefault(tip.id, []).extend(tip.keywords)
    return HabitMatcher({tip_id: tuple(words) for tip_id, words in keywords.items()})


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    content: Content | None = None,
    migrate: bool = True,
    send_timeout: float = 5.0,
    webhook: bool = False,
) -> NudgeApp:
    """Everything wired, nothing started: no I/O happens until the Application initializes.

    With webhook=True there is no Updater: updates arrive through POST /telegram instead.
    """
    hide_private_data_in_logs()
    clock = clock or SystemClock()
    content = content or load_content(settings.content_dir)
    database = create_engine(settings.database_url)
    sessions = create_session_factory(database)
    paid_rate = 1000.0 if settings.paid_broadcast else settings.send_rate
    builder = ApplicationBuilder()
    if webhook:
        builder = builder.updater(None)
    application = cast(
        NudgeApp,
        builder.token(settings.token)
        .base_url(settings.telegram_api_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .request(
            (AiohttpRequest if settings.http_client == "aiohttp" else LeanHttpRequest)(
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
    metrics = Metrics()
    health = Health(database, settings.tick_seconds)
    application.bot_data.services = Services(
        content=content,
        clock=clock,
        subscriptions=SubscriptionService(
            sessions,
            clock,
            default_timezone=settings.default_timezone,
            default_send_time=settings.send_time,
        ),
        checkins=MeteredCheckinService(sessions, clock, habit_matcher(content), metrics),
        progress=ProgressService(sessions, clock, content),
        tips=TipService(sessions, clock, content),
        safety=SafetyService(sessions, load_zone_countries()),
        data_rights=DataRightsService(sessions, clock, content),
        stats=StatsService(sessions, clock, content),
        summaries=SummaryService(sessions, clock),
        snoozes=SnoozeService(sessions, clock),
        focus=FocusService(sessions, clock),
        admin_ids=settings.admin_ids,
    )
    options = engine_options(settings)
    sources: list[Source] = [
        ReminderSource(content, sessions, options.catch_up),
        SummarySource(
            sessions, content, catch_up=options.catch_up, paid_broadcast=options.paid_broadcast
        ),
        # Broadcasts recorded with `nudgebot broadcast --enqueue-only` go out with the tick, in
        # the room the batches leave after the daily tips and summaries.
        BroadcastSource(sessions, paid_broadcast=settings.paid_broadcast),
    ]

    def observe(report: TickReport, seconds: float) -> None:
        metrics.observe_tick(report, seconds)
        health.pass_done()

    engine = DeliveryEngine(
        sessions,
        application.bot,
        content,
        clock,
        options,
        sources=sources,
        observer=observe,
    )
    application.bot_data.runtime = Runtime(
        settings,
        database,
        engine,
        migrate,
        metrics=metrics,
        health=health,
        updates=UpdateOnce(sessions, clock),
    )
    application.add_handler(TypeHandler(Update, count_update), group=COUNTING_GROUP)
    register(application)
    application.add_error_handler(count_error)
    return application


async def _post_init(application: NudgeApp) -> None:
    runtime = application.bot_data.runtime
    if runtime.migrate:
        await upgrade_to_head(runtime.database)
    content = application.bot_data.services.content
    # The default language's menu for everyone, then one per language for users whose
    # Telegram app is set to it (Telegram picks the menu by the user's language_code).
    for language in content.languages:
        await application.bot.set_my_commands(
            [
                BotCommand(name, description)
                for name, description in content.for_language(language.code).commands.items()
            ],
            language_code=None if language.code == content.language else language.code,
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
    job_queue.run_repeating(_prune, interval=PRUNE_EVERY_SECONDS, first=60.0, name=PRUNE_JOB)
    log.info("nudgebot started; delivering every %ss", runtime.settings.tick_seconds)


async def _prune(context: BotContext) -> None:
    forgotten = await context.bot_data.runtime.updates.prune()
    if forgotten:
        log.info("forgot %s update ids older than a day", forgotten)


async def _tick(context: BotContext) -> None:
    context.bot_data.runtime.health.tick_fired()
    # kick() returns at once; one drain loop runs while work is due, so no tick is lost.
    await context.bot_data.runtime.engine.kick()


async def _post_shutdown(application: NudgeApp) -> None:
    runtime = application.bot_data.runtime
    await runtime.engine.stop()
    await runtime.database.dispose()
