"""An ASGI guard: at most so many requests at once, and a deadline for reading each body."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_BUSY_HEADERS = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"retry-after", b"1"),
    (b"connection", b"close"),
]


class RequestGuard:
    """Wraps an ASGI app: 503 past max_requests, and a body not read in time ends as a disconnect.

    A body still arriving after body_seconds looks to the app as if the client had gone away
    (Starlette raises ClientDisconnect), so the app answers it as a body cut short.
    """

    def __init__(self, app: ASGIApp, *, max_requests: int, body_seconds: float) -> None:
        self._app = app
        self._max_requests = max_requests
        self._body_seconds = body_seconds
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        if self.active >= self._max_requests:
            log.warning("request refused: %d requests already being handled", self.active)
            await send({"type": "http.response.start", "status": 503, "headers": _BUSY_HEADERS})
            await send({"type": "http.response.body", "body": b"busy, try again"})
            return
        self.active += 1
        try:
            await self._app(scope, _body_deadline(receive, self._body_seconds), send)
        finally:
            self.active -= 1


def _body_deadline(receive: Receive, seconds: float) -> Receive:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    body_done = timed_out = False

    async def receive_in_time() -> Message:
        nonlocal body_done, timed_out
        if timed_out:
            return {"type": "http.disconnect"}
        if body_done:
            return await receive()
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            timed_out = True
            log.warning("request body not complete within %ss: treated as cut short", seconds)
            return {"type": "http.disconnect"}
        if message["type"] != "http.request" or not message.get("more_body", False):
            body_done = True
        return message

    return receive_in_time
