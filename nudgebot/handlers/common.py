"""/help, /progress, /stats, unknown commands, and the error handler every update falls back on."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from nudgebot.handlers.context import BotContext, chat_id_of, reply
from nudgebot.render.captions import progress_caption
from nudgebot.render.picture import PICTURE_FILENAME, labels_from, render_progress
from nudgebot.services.errors import NotSubscribedError

log = logging.getLogger(__name__)


async def help_command(update: Update, context: BotContext) -> None:
    await reply(update, context.content.text("help"))


async def unknown_command(update: Update, context: BotContext) -> None:
    await reply(update, context.content.text("unknown_command"))


async def stats(update: Update, context: BotContext) -> None:
    """Operators only; anyone else gets the unknown-command answer, so it stays unseen."""
    user = update.effective_user
    if user is None or user.id not in context.services.admin_ids:
        await unknown_command(update, context)
        return
    snapshot = await context.services.stats.stats()
    await reply(update, f"<pre>{html.escape(snapshot.render(), quote=False)}</pre>")


async def progress(update: Update, context: BotContext) -> None:
    """The 4-week picture with a short text summary; a kind word instead while it is empty."""
    stats = await context.services.progress.progress(chat_id_of(update))
    content = context.content
    chat = update.effective_chat
    if stats.total == 0 or chat is None:
        await reply(update, content.text("progress_empty", days=stats.days_since_joining))
        return
    # Drawing is CPU work: off the event loop, so other updates flow.
    png = await asyncio.to_thread(render_progress, stats.picture, labels_from(content))
    await chat.send_photo(
        photo=InputFile(png, filename=PICTURE_FILENAME),
        caption=progress_caption(content, stats.picture),
        parse_mode=ParseMode.HTML,
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
