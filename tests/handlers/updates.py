"""Small builders for the updates a subscriber's actions produce, as Telegram would send them."""

from __future__ import annotations

import itertools
from typing import Any

from telegram import Bot, Update

_DATE = 1_772_431_200
_ids = itertools.count(1)


def user(chat_id: int, *, language: str = "en", first_name: str = "Ada") -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": language}


def _chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
    if kind != "private":
        return {"id": chat_id, "type": kind, "title": "Habit friends"}
    return {"id": chat_id, "type": kind, "first_name": "Ada"}


def entities_of(text: str) -> list[dict[str, Any]]:
    """The bot_command entity of a leading /command and a mention entity for each @name."""
    found: list[dict[str, Any]] = []
    if text.startswith("/"):
        found.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
    offset = 0
    for word in text.split(" "):
        if word.startswith("@") and len(word) > 1:
            found.append({"type": "mention", "offset": offset, "length": len(word)})
        offset += len(word) + 1
    return found


def message(
    bot: Bot,
    chat_id: int,
    text: str | None = None,
    *,
    language: str = "en",
    reply_to: int | None = None,
    edited: bool = False,
    extra: dict[str, Any] | None = None,
    message_id: int | None = None,
    chat_kind: str = "private",
    from_id: int | None = None,
) -> Update:
    """A text message (a command when it starts with '/'), or `extra` such as a photo.

    In a chat_kind other than private, from_id is who wrote it (default: chat_id).
    """
    data: dict[str, Any] = {
        "message_id": message_id or next(_ids),
        "date": _DATE,
        "chat": _chat(chat_id, chat_kind),
        "from": user(from_id or chat_id, language=language),
    }
    if text is not None:
        data["text"] = text
        if entities := entities_of(text):
            data["entities"] = entities
    if reply_to is not None:
        data["reply_to_message"] = {
            "message_id": reply_to,
            "date": _DATE,
            "chat": _chat(chat_id),
            "text": "a tip",
        }
    if edited:
        data["edit_date"] = _DATE + 60
    data |= extra or {}
    key = "edited_message" if edited else "message"
    return Update.de_json({"update_id": next(_ids), key: data}, bot)


def button(
    bot: Bot,
    chat_id: int,
    data: str,
    *,
    language: str = "en",
    chat_kind: str = "private",
    from_id: int | None = None,
) -> Update:
    """A press on an inline button under one of the bot's messages."""
    return Update.de_json(
        {
            "update_id": next(_ids),
            "callback_query": {
                "id": str(next(_ids)),
                "from": user(from_id or chat_id, language=language),
                "chat_instance": "1",
                "data": data,
                "message": {
                    "message_id": next(_ids),
                    "date": _DATE,
                    "chat": _chat(chat_id, chat_kind),
                    "text": "a question",
                },
            },
        },
        bot,
    )
