"""The methods that send, edit and delete the bot's messages (text or media) and answer buttons."""

from __future__ import annotations

from typing import Any

from .bot_state import BotSettings
from .chats import Chat, ChatDirectory, StoredMessage
from .errors import bad_request, forbidden
from .message_rules import (
    check_caption,
    check_message_text,
    check_reply_markup,
    render,
)
from .records import UploadedFile

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class MessageMethods:
    """sendMessage, sendPhoto, sendDocument, the edits, deleteMessage, answerCallbackQuery."""

    settings: BotSettings
    chats: ChatDirectory
    strict_ampersand: bool

    def sendable_chat(self, chat_id: object) -> Chat:
        """The chat, or 400 chat not found / 403 blocked."""
        chat = self.chats.resolve(chat_id)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def _reply_target(self, chat: Chat, reply: dict[str, Any] | None) -> StoredMessage | None:
        if not reply:
            return None
        target = chat.find(int(reply["message_id"]))
        if target is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return target

    def _with_markup(self, body: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if markup and "inline_keyboard" in markup:
            body["reply_markup"] = markup  # Telegram echoes only inline keyboards
        return body

    def _text_body(self, params: dict[str, Any]) -> dict[str, Any]:
        """The message's text and entities as Telegram shows them; 400 if it cannot be sent."""
        parsed = render(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            strict_ampersand=self.strict_ampersand,
        )
        check_message_text(parsed)
        body: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            body["entities"] = parsed.entities
        return body

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self.sendable_chat(params["chat_id"])
        body = self._text_body(params)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        stored = self.chats.add_bot_message(
            chat,
            self._with_markup(body, params),
            kind="text",
            params=params,
            parse_mode=params.get("parse_mode"),
            source_text=params["text"],
            reply_to=reply_to,
        )
        return stored.message

    def _editable(self, params: dict[str, Any]) -> StoredMessage | None:
        if "inline_message_id" in params:
            return None
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self.sendable_chat(params["chat_id"])
        stored = chat.find(int(params["message_id"]))
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.by_bot:
            raise bad_request("message can't be edited")
        return stored

    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        stored = self._editable(params)
        if "text" not in params:
            raise bad_request("message text is empty")
        body = self._text_body(params)
        self._with_markup(body, params)
        if stored is None:
            return True
        if stored.kind != "text":
            raise bad_request("there is no text in the message to edit")
        old = {k: stored.message.get(k) for k in ("text", "entities", "reply_markup")}
        if old == {k: body.get(k) for k in old}:
            raise bad_request(_NOT_MODIFIED)
        stored.replace(("entities", "reply_markup"), **body, edit_date=self.chats.now())
        stored.params = params
        stored.parse_mode = params.get("parse_mode")
        stored.source_text = params["text"]
        return stored.message

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        stored = self._editable(params)
        body = self._with_markup({}, params)
        if stored is None:
            return True
        if stored.message.get("reply_markup") == body.get("reply_markup"):
            raise bad_request(_NOT_MODIFIED)
        stored.replace(("reply_markup",), **body, edit_date=self.chats.now())
        return stored.message

    async def _delete_message(self, params: dict[str, Any]) -> Any:
        chat = self.chats.resolve(params["chat_id"])
        stored = chat.find(int(params["message_id"]))
        if stored is None:
            raise bad_request("message to delete not found")
        stored.deleted = True
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        record = self.settings.callback_queries.get(str(params["callback_query_id"]))
        if record is None or record.answered:
            raise bad_request(_QUERY_INVALID)
        record.answered = True
        return True

    # --- files ---------------------------------------------------------------------------

    def _file_object(self, value: object, kind: str) -> dict[str, Any]:
        self.settings.file_counter += 1
        number = self.settings.file_counter
        described: dict[str, Any] = {
            "file_id": f"fake-{kind}-{number}",
            "file_unique_id": f"u{kind[:3]}{number}",
        }
        if isinstance(value, UploadedFile):
            described["file_size"] = len(value.data)
            if kind == "document":
                described["file_name"] = value.filename
                described["mime_type"] = value.content_type
        elif isinstance(value, str) and value.startswith("fake-"):
            described["file_id"] = value  # resending a known file_id keeps it
        return described

    async def _send_media(self, params: dict[str, Any], kind: str) -> Any:
        chat = self.sendable_chat(params["chat_id"])
        caption_source = str(params.get("caption", ""))
        parsed = render(
            caption_source,
            params.get("parse_mode"),
            params.get("caption_entities"),
            strict_ampersand=self.strict_ampersand,
        )
        check_caption(parsed)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        described = self._file_object(params[kind], kind)
        body: dict[str, Any] = {}
        if kind == "photo":
            small = {**described, "width": 90, "height": 90}
            body["photo"] = [small, {**described, "width": 800, "height": 800}]
        else:
            body[kind] = described
        if parsed.text:
            body["caption"] = parsed.text
        if parsed.entities:
            body["caption_entities"] = parsed.entities
        stored = self.chats.add_bot_message(
            chat,
            self._with_markup(body, params),
            kind=kind,
            params=params,
            parse_mode=params.get("parse_mode"),
            source_text=caption_source,
            reply_to=reply_to,
        )
        return stored.message

    async def _send_document(self, params: dict[str, Any]) -> Any:
        return await self._send_media(params, "document")

    async def _send_photo(self, params: dict[str, Any]) -> Any:
        return await self._send_media(params, "photo")
