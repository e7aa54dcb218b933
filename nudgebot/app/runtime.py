"""What a running Application owns beyond PTB's objects: settings, database, engine, metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, ExtBot, JobQueue

from nudgebot.config import Settings
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.handlers.context import BotContext, BotData
from nudgebot.monitoring.health import Health
from nudgebot.monitoring.metrics import Metrics
from nudgebot.services.updates import UpdateOnce


@dataclass(frozen=True, slots=True)
class Runtime:
    """Closed in post_shutdown; the handlers never see it, only their services."""

    settings: Settings
    database: AsyncEngine
    engine: DeliveryEngine
    migrate: bool
    metrics: Metrics
    health: Health
    updates: UpdateOnce


class AppData(BotData):
    """The Application's bot_data: the handlers' services, and the runtime beside them."""

    runtime: Runtime


NudgeApp = Application[
    ExtBot[int], BotContext, dict[Any, Any], dict[Any, Any], AppData, JobQueue[BotContext]
]
