"""Seeded misbehaviour at scale: each sendMessage may fail, be dropped, time out or be reset."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .records import Fault

SERVER_ERRORS = ((500, "Internal Server Error"), (502, "Bad Gateway"))


@dataclass
class Chaos:
    """Decides, call by call, whether a sendMessage misbehaves; counts what it injected.

    Shares are probabilities per call; the others are how many calls at most get that fault.
    `injected` counts by kind: "5xx", "429", "reset" (the call is done and answered, then the
    keep-alive connection is reset before the client's next request on it), "drop" (the
    connection is cut after the request arrived, nothing done), "timeout" (done, answered only
    after `timeout_seconds`, so the client gives up first).
    """

    seed: int
    server_error_share: float = 0.0
    reset_share: float = 0.0
    rate_limited: int = 0
    rate_limited_share: float = 0.0
    retry_after: int = 1
    timeouts: int = 0
    timeout_share: float = 0.0
    timeout_seconds: float = 3.0
    drops: int = 0
    drop_share: float = 0.0
    method: str = "sendMessage"
    # Chats whose calls are never faulted (e.g. ones the test blocks, so they end in a clean 403).
    spared: frozenset[int] = frozenset()
    injected: Counter[str] = field(default_factory=Counter)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def decide(self, method: str, params: dict[str, Any]) -> Fault | None:
        """The fault for this call, if any (already counted)."""
        if method.lower() != self.method.lower():
            return None
        chat_id = params.get("chat_id")
        if chat_id in self.spared:
            return None
        roll = self._rng.random
        if self.injected["429"] < self.rate_limited and roll() < self.rate_limited_share:
            self.injected["429"] += 1
            description = f"Too Many Requests: retry after {self.retry_after}"
            parameters = {"retry_after": self.retry_after}
            return Fault(method, "fail", 1, chat_id, 429, description, parameters)
        if self.injected["timeout"] < self.timeouts and roll() < self.timeout_share:
            self.injected["timeout"] += 1
            return Fault(method, "delay", 1, chat_id, seconds=self.timeout_seconds)
        if self.injected["drop"] < self.drops and roll() < self.drop_share:
            self.injected["drop"] += 1
            return Fault(method, "drop", 1, chat_id)
        if roll() < self.server_error_share:
            self.injected["5xx"] += 1
            status, description = self._rng.choice(SERVER_ERRORS)
            return Fault(method, "fail", 1, chat_id, status, description)
        if roll() < self.reset_share:
            self.injected["reset"] += 1
            return Fault(method, "reset_after", 1, chat_id)
        return None
