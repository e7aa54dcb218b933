"""Telegram in and out: each handler parses an update, calls a service and renders the reply."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from nudgebot.handlers import checkins, common, language, reading, subscription
from nudgebot.handlers.keyboards import FAQ_PREFIX, LANGUAGE_PREFIX, TIME_PREFIX, ZONE_PREFIX

# Runs before the handlers (group 0) so that every reply is in the subscriber's language.
LANGUAGE_GROUP = -1

COMMANDS = {
    "start": subscription.start,
    "timezone": subscription.timezone,
    "time": subscription.send_time,
    "settings": subscription.settings,
    "pause": subscription.pause,
    "resume": subscription.resume,
    "stop": subscription.stop,
    "tip": reading.tip,
    "tips": reading.tips,
    "faq": reading.faq,
    "progress": common.progress,
    "help": common.help_command,
    "language": language.language_command,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler in a deliberate order: language, commands, buttons, free messages."""
    application.add_handler(TypeHandler(Update, language.resolve_language), group=LANGUAGE_GROUP)
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(
        CallbackQueryHandler(checkins.checkin_button, pattern=checkins.CHECKIN_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(subscription.choice_button, pattern=f"^({ZONE_PREFIX}|{TIME_PREFIX})")
    )
    application.add_handler(CallbackQueryHandler(reading.faq_button, pattern=f"^{FAQ_PREFIX}"))
    application.add_handler(
        CallbackQueryHandler(language.language_button, pattern=f"^{LANGUAGE_PREFIX}")
    )
    application.add_handler(MessageHandler(filters.COMMAND, common.unknown_command))
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, checkins.edited_message)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, checkins.text_message)
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            checkins.non_text,
        )
    )
    application.add_error_handler(common.on_error)
