"""An offline Bot API for the handler tier: a request class that records calls and answers them.

As python-telegram-bot's own tests do (`tests/auxil/networking.py`), the Application runs with a
`BaseRequest` that never opens a socket; this one also answers each call with a plausible
result, so a handler's whole reply can be read back from `calls`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 42, "is_bot": True, "first_name": "Nudge", "username": "nudgebot"}
_DATE = 1_772_431_200  # 2026-03-02 06:00 UTC, the tests' clock


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API call the bot made: the method and its parameters."""

    method: str
    params: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


class RecordingRequest(BaseRequest):
    """Answers every call offline and keeps it in `calls`, in order."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._next_message_id = 1000
        self._failures: dict[str, list[tuple[int, str, int | None]]] = {}

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """The next `times` calls of `method` get this Bot API error instead of a result."""
        self._failures.setdefault(method, []).extend([(status, description, retry_after)] * times)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append(Call(endpoint, params))
        failures = self._failures.get(endpoint)
        if failures:
            status, description, retry_after = failures.pop(0)
            error: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if retry_after is not None:
                error["parameters"] = {"retry_after": retry_after}
            return status, json.dumps(error).encode()
        body = {"ok": True, "result": self._result(endpoint, params)}
        return 200, json.dumps(body).encode()

    def _result(self, endpoint: str, params: dict[str, Any]) -> object:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint.startswith(("send", "edit")) and "chat_id" in params:
            self._next_message_id += 1
            return {
                "message_id": self._next_message_id,
                "date": _DATE,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": str(params.get("text", "")),
            }
        if endpoint.startswith("edit"):
            # An edit of a message the bot sent: the message itself, as Telegram answers.
            self._next_message_id += 1
            return {
                "message_id": int(params.get("message_id", self._next_message_id)),
                "date": _DATE,
                "chat": {"id": int(params.get("chat_id", 1)), "type": "private"},
                "text": str(params.get("text", "")),
            }
        return True

    def take(self) -> list[Call]:
        """The calls made since the last take, oldest first."""
        calls, self.calls = self.calls, []
        return calls
