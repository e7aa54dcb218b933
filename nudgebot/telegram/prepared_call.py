"""One Bot API call from plain JSON values: PTB's rate limiter, transport and errors, no objects.

`Bot._post` turns each parameter into a `RequestParameter` and then back into JSON, which cost
a large share of a nudge's CPU. The engine's parameters are already plain JSON values, so this
encodes them once and hands them to the same limiter and `BaseRequest.post` PTB would use; the
answer's status is mapped to PTB's exceptions by `BaseRequest` itself.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from typing import Any

from telegram import Bot
from telegram.ext import ExtBot
from telegram.request import RequestData

from nudgebot.telegram.send_class import bulk_sends

__all__ = ["PreparedRequestData", "post_prepared"]


# PTB marks RequestData final for its users; only the encoding is replaced, and every
# transport (ours and PTB's) reads the body through the two properties overridden here.
class PreparedRequestData(RequestData):  # type: ignore[misc]
    """Parameters that are plain JSON values (no files, no PTB objects), encoded once."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, object]) -> None:
        super().__init__()
        self._values = values

    @property
    def parameters(self) -> dict[str, Any]:
        return {name: value for name, value in self._values.items() if value is not None}

    @property
    def json_parameters(self) -> dict[str, str]:
        """Each value as PTB encodes it for forms: strings as they are, the rest as JSON."""
        return {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in self._values.items()
            if value is not None
        }

    @property
    def json_payload(self) -> bytes:
        return json.dumps(self.parameters, ensure_ascii=False, separators=(",", ":")).encode()


async def post_prepared(
    bot: Bot, endpoint: str, values: dict[str, object], *, bulk: bool = True
) -> Any:
    """Call `endpoint` with `values` through the bot's rate limiter (if any) and request.

    The engine's scheduled sends come this way, so they are bulk unless `bulk=False`: they
    give way to replies in the limiter."""
    request = bot.request
    url = f"{bot.base_url}/{endpoint}"

    async def call() -> Any:
        return await request.post(url, request_data=PreparedRequestData(values))

    limiter = bot.rate_limiter if isinstance(bot, ExtBot) else None
    if limiter is None:
        return await call()
    with bulk_sends() if bulk else nullcontext():
        return await limiter.process_request(
            callback=call, args=(), kwargs={}, endpoint=endpoint, data=values, rate_limit_args=None
        )
