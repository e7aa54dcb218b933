"""Private chats only: in a group, supergroup or channel the bot answers the first /start or
mention with a note and a button to a private chat, and does nothing else there."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from nudgebot.handlers.context import BotContext, reply

log = logging.getLogger(__name__)

# Before everything else, the language lookup included: nothing reads or writes data for a
# chat that is not private.
PRIVATE_GROUP = -30
# The deep link's start parameter: /start in the private chat works with or without it.
START_PARAMETER = "from_group"


async def private_only(update: Update, context: BotContext) -> None:
    """Let private chats through; answer a group's first /start or mention; stop the rest."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()  # a button from before: nothing happens
        except TelegramError as error:
            log.warning("could not answer a button in a group: %s", type(error).__name__)
    message = update.message or update.channel_post
    username = context.bot.username
    asked = message is not None and _asks_for_us(message, username, context.bot.id)
    if asked and await context.services.groups.first_note(chat.id):
        try:
            await _note(update, context, username)
        except TelegramError as error:
            log.warning("could not answer in a group: %s", type(error).__name__)
            await context.services.groups.give_back(chat.id)  # the next /start may try again
    # Nothing else runs for this update: no crisis check, no command, no row is written.
    raise ApplicationHandlerStop


async def _note(update: Update, context: BotContext, username: str) -> None:
    # No subscriber language here (that lookup reads personal data): Telegram's will do.
    user = update.effective_user
    context.language = user.language_code if user else None
    content = context.content
    link = f"https://t.me/{username}?start={START_PARAMETER}"
    button = InlineKeyboardButton(content.text("group_button"), url=link)
    await reply(update, content.text("group_note"), keyboard=InlineKeyboardMarkup([[button]]))


def _asks_for_us(message: Message, username: str, bot_id: int) -> bool:
    """A /start (also /start@us) or a mention of the bot in this message."""
    entities = message.parse_entities() | message.parse_caption_entities()
    ours = f"@{username}".lower()
    for entity, text in entities.items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            name, _, addressee = text.lower().partition("@")
            found = name == "/start" and addressee in ("", username.lower())
        elif entity.type == MessageEntity.TEXT_MENTION:
            found = entity.user is not None and entity.user.id == bot_id
        else:
            found = entity.type == MessageEntity.MENTION and text.lower() == ours
        if found:
            return True
    return False
