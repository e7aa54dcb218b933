"""The typed context handlers receive: their services and content, reachable without casts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackContext, ExtBot

from nudgebot.clock import Clock
from nudgebot.content.model import Content
from nudgebot.services.checkins import CheckinService
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


@dataclass(frozen=True, slots=True)
class Services:
    """Everything the handlers may call; built once per Application from Settings."""

    content: Content
    clock: Clock
    subscriptions: SubscriptionService
    checkins: CheckinService
    progress: ProgressService
    tips: TipService
    snoozes: SnoozeService
    focus: FocusService
    safety: SafetyService
    groups: GroupService
    data_rights: DataRightsService
    stats: StatsService
    summaries: SummaryService
    admin_ids: frozenset[int]


class BotData:
    """Application-wide data as handlers see it; PTB creates it empty, the app fills it."""

    services: Services


class BotContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotData]):
    # Set for each update before any handler runs (handlers.language.resolve_language);
    # None means the default language.
    language: str | None = None

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def content(self) -> Content:
        """Everything the bot says, in the language of the person this update came from."""
        return self.bot_data.services.content.for_language(self.language)


async def reply(
    update: Update,
    text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Answer in the chat the update came from, as HTML."""
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def chat_id_of(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:  # every handler here is registered for chat updates only
        raise ValueError("update without a chat")
    return chat.id


def command_argument(context: BotContext) -> str:
    return " ".join(context.args or []).strip()


# What a reply may quote back of someone's text: enough to recognise it, never a wall of it
# (a 4,000-character argument echoed in full would pass Telegram's 4,096 limit).
MAX_ECHO = 40


def echo(text: str) -> str:
    """The start of text to quote back in a reply: at most MAX_ECHO characters, then "…"."""
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO].rstrip() + "…"


_NUMBER = re.compile(r"[0-9]{1,18}")


def number(text: str) -> int | None:
    """text as a whole number of ASCII digits, else None (str.isdigit also accepts '²')."""
    return int(text) if _NUMBER.fullmatch(text) else None
