"""Counts the requests a fake Bot API has received and not yet answered: what is on the wire."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from .server import FakeBotApi

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class InFlight:
    """Requests inside the fake's handler right now (received, answer not yet written).

    A test reads `now` at the instant it kills a bot: those requests are the ones the bot
    had on the wire, each of which may or may not count as sent when the bot is gone.
    """

    def __init__(self) -> None:
        self.now = 0

    def watch(self, fake: FakeBotApi) -> FakeBotApi:
        """Count `fake`'s requests from now on; call before the fake starts. Returns `fake`."""
        handle: Handler = fake._handle

        async def counted(request: web.Request) -> web.StreamResponse:
            self.now += 1
            try:
                return await handle(request)
            finally:
                self.now -= 1

        # The route is bound when the fake starts, to whatever `_handle` is then.
        fake._handle = counted  # type: ignore[method-assign]
        return fake
