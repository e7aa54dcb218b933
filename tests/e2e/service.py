"""Runs `nudgebot run`'s BotServer in the test's loop: the HTTP server on a real port, any mode."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from fakebotapi import FakeBotApi
from nudgebot.app.builder import build_application
from nudgebot.clock import ManualClock
from nudgebot.config import Settings
from nudgebot.web.limits import DEFAULT_LIMITS, WebLimits
from nudgebot.web.serve import BotServer
from tests.e2e.harness import TICK_SECONDS, Bot

SECRET = "test-secret_0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def service_settings(
    fake: FakeBotApi, database_url: str, *, port: int, **overrides: Any
) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=fake.token,
        NUDGEBOT_DATABASE_URL=database_url,
        NUDGEBOT_TELEGRAM_API_URL=fake.base_url,
        NUDGEBOT_TICK_SECONDS=TICK_SECONDS,
        NUDGEBOT_DEFAULT_TIMEZONE="UTC",
        NUDGEBOT_DEFAULT_SEND_TIME="09:00",
        NUDGEBOT_SEND_RATE=1000,
        NUDGEBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        NUDGEBOT_WEBHOOK_SECRET=SECRET,
        NUDGEBOT_LISTEN="127.0.0.1",
        NUDGEBOT_PORT=port,
        NUDGEBOT_SHUTDOWN_SECONDS=10,
        **overrides,
    )


@dataclass
class Served(Bot):
    """A running BotServer as a test sees it: the bot, plus its HTTP address."""

    service: BotServer | None = None
    url: str = ""

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(self.url + path) as response:
            return response.status, await response.text()

    async def get_json(self, path: str) -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession() as http, http.get(self.url + path) as response:
            return response.status, await response.json()

    async def metric(self, sample: str) -> float:
        """The value of one sample line of /metrics, e.g. 'nudgebot_backlog_due'."""
        status, text = await self.get("/metrics")
        assert status == 200
        for line in text.splitlines():
            name, _, value = line.rpartition(" ")
            if name == sample:
                return float(value)
        return 0.0


@asynccontextmanager
async def running_service(
    fake: FakeBotApi,
    database_url: str,
    clock: ManualClock,
    *,
    webhook: bool,
    limits: WebLimits = DEFAULT_LIMITS,
    **settings: Any,
) -> AsyncIterator[Served]:
    """Start the BotServer as `nudgebot run [--webhook]` does (without signal handlers).

    settings are extra Settings by variable name, e.g. NUDGEBOT_METRICS_LISTEN="127.0.0.1:0".
    """
    port = free_port()
    app = build_application(
        service_settings(fake, database_url, port=port, **settings),
        clock=clock,
        send_timeout=1.0,
        webhook=webhook,
    )
    service = BotServer(app, webhook=webhook, limits=limits)
    running = asyncio.create_task(service.run(handle_signals=False))
    ready = asyncio.create_task(service.ready.wait())
    await asyncio.wait({running, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if not ready.done():
        ready.cancel()
        await running  # raises what went wrong
        raise AssertionError("the service did not start")
    try:
        yield Served(app, fake, clock, service=service, url=f"http://127.0.0.1:{service.port}")
    finally:
        service.request_stop()
        await asyncio.wait_for(running, 30)
