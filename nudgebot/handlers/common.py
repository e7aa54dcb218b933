"""/help, /progress, unknown commands, and the one error handler every update falls back on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from nudgebot.domain.humanize import count_days
from nudgebot.handlers.context import BotContext, chat_id_of, reply
from nudgebot.services.views import NotSubscribedError

log = logging.getLogger(__name__)


async def help_command(update: Update, context: BotContext) -> None:
    await reply(update, context.content.text("help"))


async def unknown_command(update: Update, context: BotContext) -> None:
    await reply(update, context.content.text("unknown_command"))


async def progress(update: Update, context: BotContext) -> None:
    stats = await context.services.progress.progress(chat_id_of(update))
    content = context.content
    if stats.total == 0:
        await reply(update, content.text("progress_empty", days=stats.days_since_joining))
        return
    await reply(
        update,
        content.text(
            "progress",
            current=count_days(stats.current_streak, content.wording),
            best=count_days(stats.best_streak, content.wording),
            week=stats.last_7_days,
            days=stats.days_since_joining,
            total=stats.total,
        ),
    )


async def on_error(update: object, context: BotContext) -> None:
    """Log any failure once and, where someone is waiting, answer kindly; never re-raise."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update: %r", error, exc_info=error)
        return
    # The error handler gets a fresh context: answer in the language Telegram reports.
    user = update.effective_user
    context.language = context.language or (user.language_code if user else None)
    try:
        if isinstance(error, NotSubscribedError):
            await reply(update, context.content.text("not_subscribed"))
            return
        log.error("update %s failed: %s", update.update_id, type(error).__name__, exc_info=error)
        if update.callback_query is not None:
            await update.callback_query.answer(context.content.text("error_generic"))
        else:
            await reply(update, context.content.text("error_generic"))
    except Forbidden:
        return  # they blocked us; nobody to tell
    except TelegramError as follow_up:
        log.warning("could not tell the user about an error: %s", type(follow_up).__name__)
