"""Liveness facts for GET /healthz: the tick, the database, and whether Telegram answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.db import probes
from nudgebot.monitoring.telegram_link import TelegramLink

PROBE_TIMEOUT = 3.0
# Room for a slow scheduler wake-up or a garbage-collection pause on a busy host.
SLACK_SECONDS = 30.0


@dataclass
class Heartbeat:
    """Monotonic times of the last tick and the last finished delivery pass."""

    started: float
    last_tick: float | None = None
    last_pass_done: float | None = None


class Health:
    """Healthy once start-up reached Telegram, while the database answers and the tick fires.

    An outage of Telegram after start-up shows in the body but keeps the status 200: the bot
    retries by itself, and a supervisor restarting it would only put it back to waiting.
    """

    def __init__(
        self,
        database: AsyncEngine,
        tick_seconds: float,
        *,
        telegram: TelegramLink | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database = database
        self._monotonic = monotonic
        self.telegram = telegram or TelegramLink()
        self.max_tick_age = 3 * tick_seconds + SLACK_SECONDS
        self.beat = Heartbeat(started=monotonic())

    def serving(self) -> None:
        """Start-up is over: the tick is scheduled from now, Telegram has answered."""
        self.beat.started = self._monotonic()
        self.telegram.start_serving()

    def tick_fired(self) -> None:
        self.beat.last_tick = self._monotonic()

    def pass_done(self) -> None:
        self.beat.last_pass_done = self._monotonic()

    def _age(self, instant: float | None) -> float | None:
        return None if instant is None else round(self._monotonic() - instant, 3)

    async def check(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, the JSON body): unhealthy when the database fails or the tick went quiet."""
        try:
            await asyncio.wait_for(probes.ping(self._database), PROBE_TIMEOUT)
            database = "ok"
        except (SQLAlchemyError, OSError, TimeoutError):
            database = "error"
        # Before the first tick, count from start-up so a fresh process is not reported dead.
        tick_age = self._age(self.beat.last_tick)
        quiet_for = tick_age if tick_age is not None else self._age(self.beat.started)
        tick_ok = quiet_for is not None and quiet_for <= self.max_tick_age
        link = self.telegram
        healthy = database == "ok" and tick_ok and link.serving
        body: dict[str, Any] = {
            "status": "ok" if healthy else "starting" if not link.serving else "unhealthy",
            "database": database,
            # Until start-up has reached Telegram, it is unreachable, whatever a call found.
            "telegram": "ok" if link.reachable and link.serving else "unreachable",
        }
        if body["telegram"] == "unreachable":
            body["error"] = link.error or "start-up has not finished yet"
        return healthy, body | {
            "tick": "ok" if tick_ok else "late",
            "last_tick_age_seconds": tick_age,
            "last_delivery_pass_age_seconds": self._age(self.beat.last_pass_done),
            "max_tick_age_seconds": self.max_tick_age,
        }
