"""FakeBotApi: an HTTP Bot API server on 127.0.0.1 that records calls and feeds updates."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from .ceiling import RateCeiling
from .chaos import Chaos
from .chats import ChatDirectory, StoredMessage
from .decoding import read_params
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .message_rules import flat_buttons
from .methods import Methods
from .records import BotMessage, Call, Fault
from .spec import MethodSpec, load_spec
from .updates import UpdateQueue
from .users import FakeUser
from .validation import validate_params
from .wakeup import Wakeup
from .webhook import WebhookPost, WebhookPusher

T = TypeVar("T")

DEFAULT_TOKEN = "123456:TEST-token-abcdef"
CONFIGURED = "<the secret_token given to setWebhook>"
_MAX_BODY = 64 * 1024 * 1024
_DUMP_LAST = 25


class FakeBotApi:
    """A Telegram Bot API server good enough to run a real python-telegram-bot Application."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        latency: float = 0.0,
        accept_any_chat: bool = False,
        strict_ampersand: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.latency = latency
        self.spec = load_spec()
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Nudgebot Test",
            "username": "nudgebot_test_bot",
        }
        me = {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._changed = Wakeup()
        self.chats = ChatDirectory(self.bot_user, accept_any_chat=accept_any_chat, clock=clock)
        self.updates = UpdateQueue()
        self.methods = Methods(
            self.spec,
            self.chats,
            self.updates,
            me,
            strict_ampersand=strict_ampersand,
            on_change=self._changed.notify,
        )
        self.webhook = WebhookPusher(self.methods.settings, self.updates, self._changed.notify)
        self.calls: list[Call] = []
        self.base_url = ""
        self.port = 0
        self._faults: list[Fault] = []
        # Seeded faults at scale (chaos.py); None: only the scripted ones.
        self.chaos: Chaos | None = None
        # Telegram's flood limits (ceiling.py); None: no limits.
        self.ceiling: RateCeiling | None = None
        # Called with every call as it is recorded (before it is answered): lets a test act at
        # the exact moment a request reaches Telegram.
        self.on_call: Callable[[Call], None] | None = None
        self._users: dict[int, FakeUser] = {}
        self._runner: web.AppRunner | None = None
        self._stopping = False
        self._stop_wakeup = Wakeup()

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port) and set base_url."""
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/_fake/stats", self._stats)
        # Cancelling a handler when its client goes away keeps abandoned long polls from
        # lingering; a short shutdown timeout keeps stop() fast.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, self.port = self._runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{self.port}/bot"
        self.webhook.start()

    async def stop(self) -> None:
        """Answer pending long polls and delays at once, then close the server."""
        self.methods.settings.closing = True
        self._stopping = True
        self._stop_wakeup.notify()
        self.updates.changed.notify()
        self._changed.notify()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- scripted world ------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Ada", language_code: str = "en") -> FakeUser:
        """The user with this id and their private chat (chat id == user id)."""
        existing = self._users.get(user_id)
        if existing is None:
            chat = self.chats.add_private(user_id, first_name, language_code)
            existing = self._users[user_id] = FakeUser(self, chat)
        return existing

    def group_member(
        self, user_id: int, group_id: int, *, kind: str = "group", title: str = "Habit friends"
    ) -> FakeUser:
        """A user writing in a group or supergroup (group_id < 0), not in private.

        The fake keeps one member per group: what they type arrives from the group's chat.
        """
        private = self.user(user_id)
        chat = self.chats.add_group(group_id, kind, title, self.chats.resolve(private.chat_id).user)
        return FakeUser(self, chat)

    def block(self, user_id: int) -> None:
        """From now on, sends to this user's chat get 403 bot was blocked by the user."""
        self.user(user_id)
        chat = self.chats.get(user_id)
        assert chat is not None
        chat.blocked = True

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot (writing to the bot also does this)."""
        chat = self.chats.get(user_id)
        if chat is not None:
            chat.blocked = False

    # --- webhook -------------------------------------------------------------------------

    @property
    def webhook_url(self) -> str:
        """What the bot gave setWebhook ('' when polling)."""
        return self.methods.settings.webhook_url

    @property
    def webhook_posts(self) -> list[WebhookPost]:
        """Every POST made to the bot's webhook, in order, with the status it got."""
        return self.webhook.posts

    def resend_last(self, chat_id: int) -> dict[str, Any]:
        """Telegram sends the chat's last update again, with the same update_id."""
        return self.updates.redeliver_last(chat_id)

    async def post_to_webhook(
        self,
        body: bytes | dict[str, Any],
        *,
        secret: str | None = CONFIGURED,
        headers: dict[str, str] | None = None,
    ) -> int:
        """POST any body to the webhook now, beside the queue; returns the HTTP status.

        secret=None sends no secret header; any other string is sent as the header instead.
        """
        if not self.webhook_url:
            raise LookupError("no webhook is set")
        if secret == CONFIGURED:
            secret = self.methods.settings.webhook_secret or None
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        update_id = body.get("update_id") if isinstance(body, dict) else None
        return await self.webhook.post(raw, secret=secret, update_id=update_id, headers=headers)

    # --- what happened -------------------------------------------------------------------

    @property
    def polls_waiting(self) -> int:
        """getUpdates requests parked in a long poll right now."""
        return self.methods.polls_waiting

    def calls_to(self, method: str) -> list[Call]:
        """Calls of one method (any letter case), in order."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def messages(self, chat_id: int) -> list[BotMessage]:
        """Everything the bot sent into the chat, in order, edits applied, deleted ones flagged."""
        return [self.message(stored) for stored in self.chats.bot_messages(chat_id)]

    @staticmethod
    def message(stored: StoredMessage) -> BotMessage:
        """A snapshot of one stored bot message."""
        msg = stored.message
        markup = msg.get("reply_markup")
        reply_to = msg.get("reply_to_message")
        return BotMessage(
            message_id=stored.message_id,
            chat_id=stored.chat_id,
            text=str(msg.get("text", msg.get("caption", ""))),
            parse_mode=stored.parse_mode,
            reply_markup=markup,
            buttons=flat_buttons(markup),
            reply_to_message_id=reply_to["message_id"] if reply_to else None,
            edited=stored.edited,
            params=dict(stored.params),
            kind=stored.kind,
            source_text=stored.source_text,
            entities=list(msg.get("entities", msg.get("caption_entities", []))),
            deleted=stored.deleted,
        )

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 10.0,  # noqa: ASYNC109 - the tests' interface; a deadline, not a wrapper
        *,
        what: str = "",
    ) -> T:
        """The predicate's first value that is not None/False, re-checked after every call."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value is not None and value is not False:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0 or self._stopping:
                goal = what or getattr(predicate, "__name__", "condition")
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {goal}\n{self.dump_calls()}"
                )
            await self._changed.wait(remaining)

    async def wait_for_message(
        self,
        chat_id: int,
        contains: str = "",
        *,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - the tests' interface
    ) -> BotMessage:
        """The first bot message to chat_id at index >= after whose text contains `contains`."""

        def found() -> BotMessage | None:
            for message in self.messages(chat_id)[after:]:
                if contains in message.text:
                    return message
            return None

        what = f"a message to chat {chat_id} containing {contains!r} at index >= {after}"
        try:
            return await self.wait_for(found, timeout, what=what)
        except AssertionError as error:
            sent = [m.text[:80] for m in self.messages(chat_id)]
            raise AssertionError(f"{error}\nchat {chat_id} holds: {sent}") from None

    def dump_calls(self, last: int = _DUMP_LAST) -> str:
        """The last calls, one line each, for failure messages."""
        lines = [f"last {min(last, len(self.calls))} of {len(self.calls)} calls:"]
        for call in self.calls[-last:]:
            outcome = call.description or json.dumps(call.result, default=str)[:120]
            params = json.dumps(call.params, default=str, ensure_ascii=False)[:160]
            lines.append(f"  {call.status} {call.method} {params} -> {outcome}")
        return "\n".join(lines)

    # --- fault injection -----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        times: int = 1,
        chat_id: int | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` matching calls with this error instead of doing them."""
        parameters: dict[str, Any] = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        self._faults.append(
            Fault(method, "fail", times, chat_id, status, description, parameters or None)
        )

    def drop_connection_next(
        self, method: str, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Close the connection of the next matching calls without doing or answering them."""
        self._faults.append(Fault(method, "drop", times, chat_id))

    def delay_response_next(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Do the next matching calls, but answer only `seconds` later."""
        self._faults.append(Fault(method, "delay", times, chat_id, seconds=seconds))

    def clear_faults(self) -> None:
        """Forget every scheduled fault."""
        self._faults.clear()

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, params):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # --- HTTP ----------------------------------------------------------------------------

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        result: object,
        description: str | None = None,
    ) -> None:
        call = Call(method, params, status, result, description)
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        self._changed.notify()

    def _method(self, token: str, name: str) -> MethodSpec:
        if token != self.token:
            well_formed = token.partition(":")[0].isdigit() and ":" in token
            raise UNAUTHORIZED if well_formed else NOT_FOUND
        method = self.spec.method(name)
        if method is None:
            raise NOT_FOUND
        return method

    async def _pause(self, seconds: float) -> None:
        if seconds > 0 and not self._stopping:
            await self._stop_wakeup.wait(seconds)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        await self._pause(self.latency / 2)
        params: dict[str, Any] = {}
        try:
            method = self._method(request.match_info["token"], name)
            name = method.name
            raw, files = await read_params(request)
            params = raw  # what gets recorded if validation refuses the call
            params = validate_params(self.spec, method, raw, files)
            if self.ceiling is not None:
                self.ceiling.check(name, params)
            fault = self._take_fault(name, params)
            if fault is None and self.chaos is not None:
                fault = self.chaos.decide(name, params)
            if fault is not None and fault.kind == "drop":
                self._record(name, params, 0, None, "connection dropped by fault injection")
                return _drop(request)
            if fault is not None and fault.kind == "fail":
                raise ApiError(fault.status, fault.description, fault.parameters)
            result = await self.methods.call(method, params)
        except ApiError as error:
            self._record(name, params, error.status, None, error.description)
            await self._pause(self.latency / 2)
            return web.json_response(error.body(), status=error.status)
        self._record(name, params, 200, result)
        if fault is not None and fault.kind == "delay":
            await self._pause(fault.seconds)
        await self._pause(self.latency / 2)
        response = web.json_response({"ok": True, "result": result}, dumps=_dumps)
        if fault is not None and fault.kind == "reset_after":
            return await _answer_then_reset(request, response)
        return response

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        by_method: dict[str, int] = {}
        for call in self.calls:
            key = f"{call.method} {call.status}"
            by_method[key] = by_method.get(key, 0) + 1
        return web.json_response({"calls": len(self.calls), "by_method_and_status": by_method})


def _dumps(value: object) -> str:
    return json.dumps(value, default=_file_to_json, ensure_ascii=False)


def _file_to_json(value: object) -> object:
    return repr(value)


async def _answer_then_reset(request: web.Request, response: web.Response) -> web.Response:
    # The answer goes out in full; then the keep-alive connection is reset (as a server
    # closing idle connections does), so the client's next request on it finds it dead.
    await response.prepare(request)
    await response.write_eof()
    if request.transport is not None:
        request.transport.abort()
    return response


def _drop(request: web.Request) -> web.StreamResponse:
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)
