"""The chats the fake knows: their users, blocked state and every message in them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request


@dataclass
class StoredMessage:
    """A message in a chat; `message` is the Message object as Telegram would deliver it now."""

    chat_id: int
    message_id: int
    by_bot: bool
    message: dict[str, Any]
    kind: str = "text"
    params: dict[str, Any] = field(default_factory=dict)
    parse_mode: str | None = None
    source_text: str = ""
    edited: bool = False
    deleted: bool = False

    def replace(self, drop: tuple[str, ...], **changes: Any) -> None:
        """Edit by building a new Message object, so snapshots taken earlier stay true."""
        kept = {k: v for k, v in self.message.items() if k not in drop}
        self.message = {**kept, **changes}
        self.edited = True


@dataclass
class Chat:
    """A private chat between the bot and one user; message ids are shared by both sides."""

    user: dict[str, Any]
    chat: dict[str, Any]
    blocked: bool = False
    last_message_id: int = 0
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_message_ids: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    def new_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def find(self, message_id: int) -> StoredMessage | None:
        found = self.messages.get(message_id)
        return None if found is None or found.deleted else found


def as_reply(stored: StoredMessage) -> dict[str, Any]:
    """The replied-to message as Telegram nests it: one level deep, no further reply."""
    return {k: v for k, v in stored.message.items() if k != "reply_to_message"}


class ChatDirectory:
    """Private chats by id; unknown ids are 'chat not found' unless any chat is accepted."""

    def __init__(
        self,
        bot_user: dict[str, Any],
        *,
        accept_any_chat: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot_user = bot_user
        self.accept_any_chat = accept_any_chat
        self.clock = clock
        self._chats: dict[int, Chat] = {}

    def now(self) -> int:
        """Unix time from the fake's clock, as Telegram's message dates are."""
        return int(self.clock())

    def add_private(self, user_id: int, first_name: str, language_code: str) -> Chat:
        """The private chat with this user (chat id == user id), created on first use."""
        existing = self._chats.get(user_id)
        if existing is not None:
            return existing
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        chat = Chat(user, {"id": user_id, "type": "private", "first_name": first_name})
        self._chats[user_id] = chat
        return chat

    def add_group(self, chat_id: int, kind: str, title: str, member: dict[str, Any]) -> Chat:
        """A group or supergroup (negative id, as Telegram gives them) where member writes;
        created on first use."""
        if chat_id >= 0 or kind not in ("group", "supergroup"):
            raise ValueError("a group or supergroup has a negative id")
        existing = self._chats.get(chat_id)
        if existing is not None:
            return existing
        chat = Chat(dict(member), {"id": chat_id, "type": kind, "title": title})
        self._chats[chat_id] = chat
        return chat

    def get(self, chat_id: int) -> Chat | None:
        return self._chats.get(chat_id)

    def resolve(self, chat_id: object) -> Chat:
        """The chat a chat_id parameter names, or 400 chat not found."""
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
            if chat is not None:
                return chat
            if self.accept_any_chat and chat_id > 0:
                return self.add_private(chat_id, f"User {chat_id}", "en")
        raise bad_request("chat not found")

    def add_bot_message(
        self,
        chat: Chat,
        body: dict[str, Any],
        *,
        kind: str,
        params: dict[str, Any],
        parse_mode: str | None = None,
        source_text: str = "",
        reply_to: StoredMessage | None = None,
    ) -> StoredMessage:
        """Store what the bot sent and return it with its Message object."""
        message_id = chat.new_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": dict(chat.chat),
            "date": self.now(),
            **body,
        }
        if reply_to is not None:
            message["reply_to_message"] = as_reply(reply_to)
        stored = StoredMessage(
            chat.id, message_id, True, message, kind, params, parse_mode, source_text
        )
        chat.messages[message_id] = stored
        chat.bot_message_ids.append(message_id)
        return stored

    def add_user_message(
        self, chat: Chat, body: dict[str, Any], *, kind: str, reply_to: StoredMessage | None
    ) -> StoredMessage:
        """Store what the user wrote and return it with its Message object."""
        message_id = chat.new_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": dict(chat.user),
            "chat": dict(chat.chat),
            "date": self.now(),
            **body,
        }
        if reply_to is not None:
            message["reply_to_message"] = as_reply(reply_to)
        stored = StoredMessage(chat.id, message_id, False, message, kind)
        chat.messages[message_id] = stored
        return stored

    def bot_messages(self, chat_id: int) -> list[StoredMessage]:
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [chat.messages[i] for i in chat.bot_message_ids]
