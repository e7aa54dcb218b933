"""FakeBotApi: an HTTP Bot API server on 127.0.0.1 that records calls and feeds updates."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .ceiling import RateCeiling
from .chaos import Chaos
from .chats import ChatDirectory
from .decoding import read_params
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .faults import FaultInjection
from .inspection import Inspection
from .methods import Methods
from .records import Call, Fault
from .responses import answer_then_reset, drop, dumps
from .spec import MethodSpec, load_spec
from .updates import UpdateQueue
from .users import FakeUser
from .validation import validate_params
from .wakeup import Wakeup
from .webhook import WebhookPost, WebhookPusher

DEFAULT_TOKEN = "123456:TEST-token-abcdef"
CONFIGURED = "<the secret_token given to setWebhook>"
_MAX_BODY = 64 * 1024 * 1024


class FakeBotApi(Inspection, FaultInjection):
    """A Telegram Bot API server good enough to run a real python-telegram-bot Application.

    What a test reads is in `Inspection`, the faults it scripts in `FaultInjection`.
    """

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
                return drop(request)
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
        response = web.json_response({"ok": True, "result": result}, dumps=dumps)
        if fault is not None and fault.kind == "reset_after":
            return await answer_then_reset(request, response)
        return response

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        by_method: dict[str, int] = {}
        for call in self.calls:
            key = f"{call.method} {call.status}"
            by_method[key] = by_method.get(key, 0) + 1
        return web.json_response({"calls": len(self.calls), "by_method_and_status": by_method})
