"""Feeds the metrics from the Application: updates, handler errors and recorded check-ins."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from nudgebot.clock import Clock
from nudgebot.domain.habit_match import HabitMatcher
from nudgebot.domain.replies import Outcome
from nudgebot.handlers.context import BotContext
from nudgebot.monitoring.metrics import Metrics
from nudgebot.services.checkin_results import ButtonResult, Logged, TextResult
from nudgebot.services.checkins import CheckinService

# Results that wrote a check-in or a note; duplicates, stale and repeated presses wrote nothing.
_BUTTON_RECORDED = frozenset({ButtonResult.RECORDED, ButtonResult.CHANGED})
_TEXT_RECORDED = frozenset(
    {TextResult.DONE, TextResult.PARTLY, TextResult.SKIPPED, TextResult.HABITS, TextResult.JOURNAL}
)
# Checked in this order; the first one set on the update names its type (bounded label values).
_UPDATE_TYPES = tuple(Update.ALL_TYPES)


def update_type(update: Update) -> str:
    for kind in _UPDATE_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    return "other"


def counting_updates(metrics: Metrics) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """A handler that runs first, in its own group, for every update; never stops the others."""

    async def count(update: Update, context: BotContext) -> None:
        metrics.updates.labels(type=update_type(update)).inc()

    return count


def counting_errors(metrics: Metrics) -> Callable[[object, BotContext], Coroutine[Any, Any, None]]:
    """An error handler beside the one that answers: counts what reached it."""

    async def count(update: object, context: BotContext) -> None:
        metrics.handler_errors.inc()

    return count


class MeteredCheckinService(CheckinService):
    """The check-in service, counting each check-in it records."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        matcher: HabitMatcher,
        metrics: Metrics,
    ) -> None:
        super().__init__(sessions, clock, matcher)
        self._metrics = metrics

    async def record_button(
        self,
        chat_id: int,
        delivery_id: int,
        outcome: Outcome,
        *,
        tip_id: str | None = None,
        source: str = "button",
    ) -> Logged:
        logged = await super().record_button(
            chat_id, delivery_id, outcome, tip_id=tip_id, source=source
        )
        if logged.result in _BUTTON_RECORDED:
            self._metrics.checkins.labels(source=source, result=logged.result.value).inc()
        return logged

    async def record_text(
        self, chat_id: int, message_id: int, text: str, *, reply_to_message_id: int | None
    ) -> Logged:
        logged = await super().record_text(
            chat_id, message_id, text, reply_to_message_id=reply_to_message_id
        )
        if logged.result in _TEXT_RECORDED:
            self._metrics.checkins.labels(source="text", result=logged.result.value).inc()
        return logged
