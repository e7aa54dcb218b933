"""The language each reply is written in: picked per update, changed with /language."""

from __future__ import annotations

import logging

from telegram import Update

from nudgebot.content.languages import Language
from nudgebot.handlers.context import BotContext, chat_id_of, command_argument, echo, reply
from nudgebot.render.callbacks import Prefix, payload
from nudgebot.render.keyboards import language_keyboard

log = logging.getLogger(__name__)


async def resolve_language(update: Update, context: BotContext) -> None:
    """Runs before every handler: the language chosen with /language, else Telegram's."""
    user = update.effective_user
    context.language = user.language_code if user else None
    chat = update.effective_chat
    if chat is None:
        return
    try:
        chosen = await context.services.subscriptions.chosen_language(chat.id)
    except Exception as error:  # whatever failed, the handler still answers
        # The handler that follows meets the same failure and reports it once, kindly;
        # failing here too would send the user a second apology.
        log.warning("language lookup failed: %s", type(error).__name__)
        return
    context.language = chosen or context.language


async def language_command(update: Update, context: BotContext) -> None:
    """/language shows the choices as buttons; /language de (or Deutsch) switches at once."""
    content = context.content
    text = command_argument(context)
    if not text:
        await reply(
            update,
            content.text("language_choose", current=content.info.native_name),
            keyboard=language_keyboard(content.languages),
        )
        return
    chosen = content.find_language(text)
    if chosen is None:
        choices = ", ".join(f"{lang.native_name} ({lang.code})" for lang in content.languages)
        await reply(update, content.text("language_unknown", text=echo(text), choices=choices))
        return
    await _switch(update, context, chosen)


async def language_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    code = payload(Prefix.LANGUAGE, query.data)
    chosen = next((lang for lang in context.content.languages if lang.code == code), None)
    if chosen is not None:  # a button from before a language was removed does nothing
        await _switch(update, context, chosen)


async def _switch(update: Update, context: BotContext, chosen: Language) -> None:
    await context.services.subscriptions.set_language(chat_id_of(update), chosen.code)
    context.language = chosen.code  # the confirmation is already in the new language
    await reply(update, context.content.text("language_set", language=chosen.native_name))
