"""Which language an update is answered in, decided before any handler runs."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from telegram import Chat, Message, Update, User

from nudgebot.handlers.context import BotContext
from nudgebot.handlers.language import resolve_language


def update_from(language_code: str | None) -> Update:
    user = User(id=1, first_name="Anna", is_bot=False, language_code=language_code)
    chat = Chat(id=1, type=Chat.PRIVATE)
    message = Message(
        message_id=1, date=datetime(2026, 3, 2, tzinfo=UTC), chat=chat, from_user=user
    )
    return Update(update_id=1, message=message)


class Subscriptions:
    def __init__(self, chosen: str | None = None, error: Exception | None = None) -> None:
        self.chosen = chosen
        self.error = error

    async def chosen_language(self, chat_id: int) -> str | None:
        if self.error is not None:
            raise self.error
        return self.chosen


def context_with(subscriptions: Subscriptions) -> Any:
    return SimpleNamespace(language=None, services=SimpleNamespace(subscriptions=subscriptions))


async def test_the_chosen_language_wins_over_telegrams() -> None:
    context = context_with(Subscriptions(chosen="en"))
    await resolve_language(update_from("de"), cast(BotContext, context))
    assert context.language == "en"


async def test_without_a_choice_telegrams_language_is_used() -> None:
    context = context_with(Subscriptions(chosen=None))
    await resolve_language(update_from("de-AT"), cast(BotContext, context))
    assert context.language == "de-AT"


async def test_a_failed_lookup_falls_back_to_telegrams_language_without_raising() -> None:
    context = context_with(Subscriptions(error=OSError("database is down")))
    await resolve_language(update_from("de"), cast(BotContext, context))
    assert context.language == "de"
