"""Builds the python-telegram-bot Application from Settings: handlers, services, the engine."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import ApplicationBuilder, BaseRateLimiter, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from nudgebot.app.lifecycle import post_init, post_shutdown
from nudgebot.app.runtime import AppData, NudgeApp, Runtime
from nudgebot.app.update_order import PerChatUpdateProcessor
from nudgebot.clock import Clock, SystemClock
from nudgebot.config import Settings
from nudgebot.content.loader import load_content
from nudgebot.content.model import Content
from nudgebot.content.zone_countries import load_zone_countries
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.delivery.journal import default_directory
from nudgebot.delivery.options import PAID_BROADCAST_RATE, EngineOptions
from nudgebot.delivery.report import TickReport
from nudgebot.delivery.source import Source
from nudgebot.delivery.sources.broadcasts import BroadcastSource
from nudgebot.delivery.sources.reminders import ReminderSource
from nudgebot.delivery.sources.summaries import SummarySource
from nudgebot.delivery.sources.tips import TipSource
from nudgebot.domain.habit_match import HabitMatcher
from nudgebot.handlers import register
from nudgebot.handlers.context import BotContext, Services
from nudgebot.logs import hide_private_data_in_logs
from nudgebot.monitoring.health import Health
from nudgebot.monitoring.metrics import Metrics
from nudgebot.monitoring.observed_request import ObservedRequest
from nudgebot.monitoring.observers import MeteredCheckinService, counting_errors, counting_updates
from nudgebot.monitoring.telegram_link import TelegramLink
from nudgebot.services.data_rights import DataRightsService
from nudgebot.services.focus import FocusService
from nudgebot.services.groups import GroupService
from nudgebot.services.progress import ProgressService
from nudgebot.services.safety import SafetyService
from nudgebot.services.snoozes import SnoozeService
from nudgebot.services.stats import StatsService
from nudgebot.services.subscriptions import SubscriptionService
from nudgebot.services.summary_settings import SummaryService
from nudgebot.services.tips import TipService
from nudgebot.services.updates import UpdateOnce
from nudgebot.telegram.aiohttp_request import AiohttpRequest
from nudgebot.telegram.lean_request import LeanHttpRequest
from nudgebot.telegram.rate_limiter import SendRateLimiter

# Runs before every handler group, so each update is counted whatever handles it.
COUNTING_GROUP = -100


def engine_options(settings: Settings) -> EngineOptions:
    return EngineOptions(
        batch_size=settings.batch_size,
        concurrency=settings.send_concurrency,
        catch_up=timedelta(hours=settings.catch_up_hours),
        paid_broadcast=settings.paid_broadcast,
        send_rate=settings.send_rate,
        lease=timedelta(seconds=settings.claim_lease_seconds),
        journal_dir=default_directory(
            settings.database_url,
            Path(settings.send_journal_dir).expanduser() if settings.send_journal_dir else None,
        ),
    )


def habit_matcher(content: Content) -> HabitMatcher:
    """Habit keywords of every language, so a note is understood in whichever it was written."""
    keywords: dict[str, list[str]] = {}
    for language in content.languages:
        for tip in content.for_language(language.code).tips:
            keywords.setdefault(tip.id, []).extend(tip.keywords)
    return HabitMatcher({tip_id: tuple(words) for tip_id, words in keywords.items()})


def sources(
    content: Content,
    sessions: async_sessionmaker[AsyncSession],
    options: EngineOptions,
    clock: Clock,
) -> list[Source]:
    """Every kind of scheduled message, in the order a batch is filled."""
    return [
        TipSource(content, options),
        ReminderSource(content, sessions, options),
        SummarySource(sessions, content, options, clock),
        # Broadcasts recorded with `nudgebot broadcast --enqueue-only` go out with the tick, in
        # the room the batches leave after the daily tips and summaries.
        BroadcastSource(sessions, options),
    ]


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    content: Content | None = None,
    migrate: bool = True,
    send_timeout: float = 5.0,
    webhook: bool = False,
    request: BaseRequest | None = None,
    limit_rate: bool = True,
) -> NudgeApp:
    """Everything wired, nothing started: no I/O happens until the Application initializes.

    With webhook=True there is no Updater: updates arrive through POST /telegram instead.
    `request` replaces both network request classes (the handler tests' offline recorder);
    `limit_rate=False` leaves Telegram's pacing out (for tests that send many replies at once).
    """
    hide_private_data_in_logs()
    clock = clock or SystemClock()
    content = content or load_content(settings.content_dir)
    database = create_engine(settings.database_url)
    sessions = create_session_factory(database)
    # Every Bot API call tells the link whether Telegram answered: /healthz and the
    # "Telegram reachable again" line come from it.
    link = TelegramLink(settings.token)
    builder = ApplicationBuilder()
    if webhook:
        builder = builder.updater(None)
    ready = (
        builder.token(settings.token)
        .base_url(settings.telegram_api_url)
        .context_types(ContextTypes(context=BotContext, bot_data=AppData))
        .request(request or ObservedRequest(_send_request(settings, send_timeout), link))
        .get_updates_request(request or ObservedRequest(_polling_request(settings), link))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        # One slow reply never holds another chat's; one chat's updates stay in order.
        .concurrent_updates(PerChatUpdateProcessor())
    )
    application = cast(
        NudgeApp,
        ready.rate_limiter(_rate_limiter(settings)).build() if limit_rate else ready.build(),
    )
    metrics = Metrics()
    health = Health(database, settings.tick_seconds, telegram=link)
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
        safety=SafetyService(sessions, load_zone_countries(), clock),
        groups=GroupService(sessions, clock),
        data_rights=DataRightsService(sessions, clock, content),
        stats=StatsService(sessions, clock, content),
        summaries=SummaryService(sessions, clock),
        snoozes=SnoozeService(sessions, clock),
        focus=FocusService(sessions, clock),
        admin_ids=settings.admin_ids,
    )
    options = engine_options(settings)

    def observe(report: TickReport, seconds: float) -> None:
        metrics.observe_tick(report, seconds)
        health.pass_done()

    engine = DeliveryEngine(
        sessions,
        application.bot,
        clock,
        options,
        sources(content, sessions, options, clock),
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
    application.add_handler(TypeHandler(Update, counting_updates(metrics)), group=COUNTING_GROUP)
    register(application)
    application.add_error_handler(counting_errors(metrics))
    return application


def _send_request(settings: Settings, send_timeout: float) -> BaseRequest:
    request_class = AiohttpRequest if settings.http_client == "aiohttp" else LeanHttpRequest
    return request_class(
        connection_pool_size=settings.send_concurrency,
        read_timeout=send_timeout,
        # Sends wait for the rate limiter before they take a connection, so a queue for the
        # pool means too much concurrency, not a slow Telegram.
        pool_timeout=None,
        proxy=settings.proxy_url or None,
    )


def _polling_request(settings: Settings) -> BaseRequest:
    return AiohttpRequest(
        connection_pool_size=2, read_timeout=10.0, proxy=settings.proxy_url or None
    )


def _rate_limiter(settings: Settings) -> BaseRateLimiter[int]:
    paid_rate = PAID_BROADCAST_RATE if settings.paid_broadcast else settings.send_rate
    return SendRateLimiter(overall_per_second=settings.send_rate, paid_per_second=paid_rate)
