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

from nudgebot.handlers import (
    checkins,
    common,
    data_rights,
    focus,
    language,
    private,
    reading,
    safety,
    snooze,
    subscription,
    summary,
)
from nudgebot.render.callbacks import Prefix, pattern

# Runs before every other handler (the crisis check included), so that every reply is in the
# subscriber's language.
LANGUAGE_GROUP = -20

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
    "focus": focus.focus,
    "log": checkins.log_command,
    "progress": common.progress,
    "export": data_rights.export,
    "forget": data_rights.forget,
    "summary": summary.summary,
    "help": common.help_command,
    "sos": safety.sos,
    "language": language.language_command,
    "stats": common.stats,  # operators only; not in the command menu
}

# Each button's handler, by the prefix of its callback data (render.callbacks).
BUTTONS = {
    Prefix.CHECKIN: checkins.checkin_button,
    Prefix.FOCUS_LOG: checkins.focus_log_button,
    Prefix.UNDO: checkins.undo_button,
    Prefix.SNOOZE: snooze.snooze_button,
    Prefix.FOCUS: focus.focus_button,
    Prefix.ZONE: subscription.zone_button,
    Prefix.TIME: subscription.time_button,
    Prefix.FAQ: reading.faq_button,
    Prefix.FORGET: data_rights.forget_button,
    Prefix.LANGUAGE: language.language_button,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler in a deliberate order: private chats only, language, safety, commands,
    buttons, messages."""
    application.add_handler(TypeHandler(Update, private.private_only), group=private.PRIVATE_GROUP)
    application.add_handler(TypeHandler(Update, language.resolve_language), group=LANGUAGE_GROUP)
    application.add_handler(
        MessageHandler(
            # Commands too: "/log I want to die" is read like any other text.
            (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
            & (filters.TEXT | filters.CAPTION),
            safety.crisis_check,
        ),
        group=safety.SAFETY_GROUP,
    )
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback))
    for prefix, button in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(button, pattern=pattern(prefix)))
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
