"""Telegram's flood limits, enforced: 429 with retry_after above R sends/s or 1/s per chat."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError


@dataclass
class RateCeiling:
    """Accepts at most `per_second` (+ `burst`) sends in any sliding second, and one per chat
    per `chat_interval`.

    With burst 0 it is the strict reading of "about R messages per second". Refused
    calls get 429 "Too Many Requests: retry after N" (N whole seconds, at least 1) and are
    counted in `refused`; nothing is done for them.
    """

    per_second: float
    burst: int = 0
    chat_interval: float = 1.0
    method: str = "sendMessage"
    clock: Callable[[], float] = time.monotonic
    accepted: int = 0
    refused: int = 0
    _window: deque[float] = field(default_factory=deque)
    _last_by_chat: dict[Any, float] = field(default_factory=dict)

    def check(self, method: str, params: dict[str, Any]) -> None:
        """Raise the 429 Telegram would answer, or count the call as accepted."""
        if method.lower() != self.method.lower():
            return
        now = self.clock()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        wait = 0.0
        if len(self._window) >= self.per_second + self.burst:
            wait = 1.0 - (now - self._window[0])
        chat = params.get("chat_id")
        last = self._last_by_chat.get(chat)
        if last is not None and now - last < self.chat_interval:
            wait = max(wait, self.chat_interval - (now - last))
        if wait > 0:
            self.refused += 1
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        self._window.append(now)
        self._last_by_chat[chat] = now
        self.accepted += 1
