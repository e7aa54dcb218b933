"""What each Bot API method does to the fake's world, and the result it returns."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from .bot_state import BotSettings, CallbackQueryRecord
from .chats import ChatDirectory
from .errors import bad_request
from .methods_messages import MessageMethods
from .methods_updates import UpdateMethods
from .results import minimal_value
from .spec import ApiSpec, MethodSpec
from .updates import UpdateQueue

__all__ = ["BotSettings", "CallbackQueryRecord", "Handler", "Methods"]

Handler = Callable[[dict[str, Any]], Awaitable[Any]]
_BLOCKABLE_PREFIXES = ("send", "copy", "forward", "edit")


class Methods(UpdateMethods, MessageMethods):
    """Dispatches a validated call to its model, or to a generic minimal result.

    The models of updates and webhooks are in `UpdateMethods`, of messages in `MessageMethods`.
    """

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

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return self.me

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
