"""Liveness facts for GET /healthz: when the tick last ran and whether the database answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.db import probes

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
    """Healthy while the database answers and the tick keeps firing."""

    def __init__(
        self,
        database: AsyncEngine,
        tick_seconds: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database = database
        self._monotonic = monotonic
        self.max_tick_age = 3 * tick_seconds + SLACK_SECONDS
        self.beat = Heartbeat(started=monotonic())

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
        healthy = database == "ok" and tick_ok
        return healthy, {
            "status": "ok" if healthy else "unhealthy",
            "database": database,
            "tick": "ok" if tick_ok else "late",
            "last_tick_age_seconds": tick_age,
            "last_delivery_pass_age_seconds": self._age(self.beat.last_pass_done),
            "max_tick_age_seconds": self.max_tick_age,
        }
