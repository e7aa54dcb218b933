"""What each Bot API method does to the fake's world, and the result it returns."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .chats import Chat, ChatDirectory, StoredMessage
from .errors import ApiError, bad_request, forbidden
from .message_rules import (
    check_caption,
    check_message_text,
    check_reply_markup,
    render,
)
from .records import UploadedFile
from .results import minimal_value
from .spec import ApiSpec, MethodSpec
from .updates import UpdateQueue

Handler = Callable[[dict[str, Any]], Awaitable[Any]]
_BLOCKABLE_PREFIXES = ("send", "copy", "forward", "edit")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_MAX_POLL_SECONDS = 50
# The fake runs on 127.0.0.1 without TLS, so it also accepts http:// (Telegram wants https).
_WEBHOOK_SCHEMES = ("https://", "http://")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass
class CallbackQueryRecord:
    """A button press waiting for answerCallbackQuery."""

    user_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass
class BotSettings:
    """Bot-wide state that methods read and write."""

    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_error_date: int | None = None
    webhook_error_message: str = ""
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    callback_queries: dict[str, CallbackQueryRecord] = field(default_factory=dict)
    closing: bool = False
    poll_generation: int = 0
    file_counter: int = 0


class Methods:
    """Dispatches a validated call to its model, or to a generic minimal result."""

    def __init__(
        self,
        spec: ApiSpec,
        chats: ChatDirectory,
        updates: UpdateQueue,
        me: dict[str, Any],
        *,
        strict_ampersand: bool = True,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.spec = spec
        self.on_change = on_change
        self.polls_waiting = 0
        self.chats = chats
        self.updates = updates
        self.me = me
        self.settings = BotSettings()
        self.strict_ampersand = strict_ampersand
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "deleteMessage": self._delete_message,
            "getChat": self._get_chat,
        }

    async def call(self, method: MethodSpec, params: dict[str, Any]) -> Any:
        """The result of a call whose parameters already passed the spec."""
        if "chat_id" in params and method.name.startswith(_BLOCKABLE_PREFIXES):
            self.sendable_chat(params["chat_id"])
        handler = self._handlers.get(method.name)
        if handler is not None:
            return await handler(params)
        return self._generic(method, params)

    def sendable_chat(self, chat_id: object) -> Chat:
        """The chat, or 400 chat not found / 403 blocked."""
        chat = self.chats.resolve(chat_id)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    # --- updates and webhook -------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return self.me

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.settings.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        self.settings.poll_generation += 1
        generation = self.settings.poll_generation
        self.updates.changed.notify()  # an older long poll must notice it is superseded
        self.updates.set_allowed(params.get("allowed_updates"))
        self.updates.confirm(params.get("offset"))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(max(int(params.get("timeout", 0)), 0), _MAX_POLL_SECONDS)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self.settings.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            batch = self.updates.take(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.settings.closing:
                return batch
            self.polls_waiting += 1
            self.on_change()
            try:
                await self.updates.changed.wait(remaining)
            finally:
                self.polls_waiting -= 1

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        url = str(params["url"])
        secret = str(params.get("secret_token", ""))
        if url and not url.startswith(_WEBHOOK_SCHEMES):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        self.settings.webhook_url = url
        self.settings.webhook_secret = secret
        self.settings.webhook_error_date = None
        self.settings.webhook_error_message = ""
        self.updates.set_allowed(params.get("allowed_updates"))
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.updates.changed.notify()
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.settings.webhook_url = ""
        self.settings.webhook_secret = ""
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.updates.changed.notify()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.settings.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.updates.pending_count,
        }
        if self.settings.webhook_url:
            info["max_connections"] = 40
            if self.updates.allowed is not None:
                info["allowed_updates"] = sorted(self.updates.allowed)
        if self.settings.webhook_error_date is not None:
            info["last_error_date"] = self.settings.webhook_error_date
            info["last_error_message"] = self.settings.webhook_error_message
        return info

    # --- commands ------------------------------------------------------------------------

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code", ""))

    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params["commands"]
        for command in commands:
            name = str(command["command"])
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command["description"])) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.settings.commands[self._commands_key(params)] = list(commands)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> Any:
        return self.settings.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        self.settings.commands.pop(self._commands_key(params), None)
        return True

    # --- messages ------------------------------------------------------------------------

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

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self.sendable_chat(params["chat_id"])
        parsed = render(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            strict_ampersand=self.strict_ampersand,
        )
        check_message_text(parsed)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        body: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            body["entities"] = parsed.entities
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

    async def _get_chat(self, params: dict[str, Any]) -> Any:
        chat = self.chats.resolve(params["chat_id"])
        info = minimal_value(self.spec, ("ChatFullInfo",))
        info.update(chat.chat, max_reaction_count=11)
        return info

    # --- everything else -----------------------------------------------------------------

    def _generic(self, method: MethodSpec, params: dict[str, Any]) -> Any:
        chat = None
        if isinstance(params.get("chat_id"), int):
            chat = self.chats.resolve(params["chat_id"])
        if "Message" in method.returns and chat is not None:
            return self.chats.add_bot_message(chat, {}, kind=method.name, params=params).message
        if "Boolean" in method.returns:
            return True
        return minimal_value(self.spec, method.returns)
