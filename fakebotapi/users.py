"""Scripted Telegram users: what they type and press becomes updates for the bot."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from .bot_state import CallbackQueryRecord
from .chats import Chat, StoredMessage
from .records import BotMessage, Call

if TYPE_CHECKING:
    from .server import FakeBotApi

_query_ids = itertools.count(4_000_000_000_000_000_001)


class FakeUser:
    """One person in a private chat with the bot (chat id == user id)."""

    def __init__(self, fake: FakeBotApi, chat: Chat) -> None:
        self._fake = fake
        self._chat = chat
        self.id: int = int(chat.user["id"])
        self.chat_id: int = chat.id
        self.first_name: str = str(chat.user["first_name"])
        self.language_code: str = str(chat.user.get("language_code", ""))
        self._press_ids: list[str] = []

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"

    def send_text(self, text: str, *, reply_to: int | None = None) -> int:
        """Queue a text message (optionally a reply); return its message id."""
        return self._send({"text": text}, "text", reply_to)

    def send_command(self, command: str) -> int:
        """Queue '/start' or '/time 7:30' with its bot_command entity; return its message id."""
        if not command.startswith("/"):
            raise ValueError(f"a command starts with '/': {command!r}")
        name = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": len(name.encode("utf-16-le")) // 2}
        return self._send({"text": command, "entities": [entity]}, "text", None)

    def draft_command(self, command: str) -> dict[str, Any]:
        """The update a command would make, with a fresh update_id, but not queued.

        For posting it to a webhook by hand: twice, with a wrong secret, and so on.
        """
        name = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": len(name.encode("utf-16-le")) // 2}
        body = {"text": command, "entities": [entity]}
        stored = self._fake.chats.add_user_message(self._chat, body, kind="text", reply_to=None)
        return self._fake.updates.make("message", dict(stored.message))

    def send_sticker(self) -> int:
        """Queue a sticker message; return its message id."""
        sticker = {
            "file_id": f"sticker-{self.id}",
            "file_unique_id": f"stk{self.id}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self._send({"sticker": sticker}, "sticker", None)

    def send_photo(self, caption: str | None = None) -> int:
        """Queue a photo message, with a caption if given; return its message id."""
        size = {"file_id": f"photo-{self.id}", "file_unique_id": f"pho{self.id}"}
        photo = [{**size, "width": 90, "height": 90}, {**size, "width": 1280, "height": 960}]
        body: dict[str, Any] = {"photo": photo}
        if caption is not None:
            body["caption"] = caption
        return self._send(body, "photo", None)

    def edit_text(self, message_id: int, text: str) -> None:
        """Edit one of this user's text messages: queues an edited_message update."""
        stored = self._chat.find(message_id)
        if stored is None or stored.by_bot or stored.kind != "text":
            raise LookupError(f"{self} has no text message {message_id} to edit")
        stored.replace(("entities",), text=text, edit_date=self._fake.chats.now())
        self._fake.updates.push("edited_message", stored.message, self.chat_id)

    def press(self, message_id: int, callback_data: str) -> str:
        """Press a button of the bot's message: queues a callback_query; returns the query id."""
        stored = self._chat.find(message_id)
        if stored is None or not stored.by_bot:
            raise LookupError(f"no bot message {message_id} in chat {self.chat_id}")
        buttons = self._fake.message(stored).buttons
        if callback_data not in {data for _, data in buttons if data}:
            raise LookupError(f"message {message_id} has no button {callback_data!r}: {buttons}")
        query_id = str(next(_query_ids))
        self._fake.methods.settings.callback_queries[query_id] = CallbackQueryRecord(
            self.id, message_id, callback_data
        )
        self._press_ids.append(query_id)
        query = {
            "id": query_id,
            "from": dict(self._chat.user),
            "message": dict(stored.message),
            "chat_instance": f"-{self.chat_id}0",
            "data": callback_data,
        }
        self._fake.updates.push("callback_query", query, self.chat_id)
        return query_id

    def duplicate_last_update(self) -> None:
        """Telegram delivers this user's last update again, with the same update_id."""
        self._fake.updates.redeliver_last(self.chat_id)

    def inbox(self) -> list[BotMessage]:
        """What the bot sent into this chat, edits applied."""
        return self._fake.messages(self.chat_id)

    def answered_callbacks(self) -> list[Call]:
        """answerCallbackQuery calls that answered this user's presses."""
        mine = set(self._press_ids)
        return [
            call
            for call in self._fake.calls_to("answerCallbackQuery")
            if str(call.params.get("callback_query_id")) in mine
        ]

    def _send(self, body: dict[str, Any], kind: str, reply_to: int | None) -> int:
        target: StoredMessage | None = None
        if reply_to is not None:
            target = self._chat.find(reply_to)
            if target is None:
                raise LookupError(f"no message {reply_to} in chat {self.chat_id} to reply to")
        # Writing to a bot you blocked means unblocking it first.
        self._chat.blocked = False
        stored = self._fake.chats.add_user_message(self._chat, body, kind=kind, reply_to=target)
        self._fake.updates.push("message", dict(stored.message), self.chat_id)
        return stored.message_id
