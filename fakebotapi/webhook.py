"""The fake's webhook side: POST pending updates to the bot's URL as Telegram does, one by one."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from .bot_state import BotSettings
from .updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_RETRY_SECONDS = 0.05
_POST_TIMEOUT = 30.0


@dataclass(frozen=True)
class WebhookPost:
    """One POST to the bot's webhook and the HTTP status it got (0: no answer)."""

    update_id: int | None
    status: int


class WebhookPusher:
    """While a webhook is set, delivers each pending update until the bot answers 2xx."""

    def __init__(
        self, settings: BotSettings, updates: UpdateQueue, on_change: Callable[[], None]
    ) -> None:
        self._settings = settings
        self._updates = updates
        self._on_change = on_change
        self.posts: list[WebhookPost] = []
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=_POST_TIMEOUT))
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(
        self,
        body: bytes,
        *,
        secret: str | None,
        update_id: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> int:
        """POST raw bytes to the webhook URL; returns the status (0 when the connection failed)."""
        assert self._session is not None, "start the fake first"
        sent_headers = {"Content-Type": "application/json", **(headers or {})}
        if secret is not None:
            sent_headers[SECRET_HEADER] = secret
        try:
            async with self._session.post(
                self._settings.webhook_url, data=io.BytesIO(body), headers=sent_headers
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            status = 0
            self._failed(f"Connection failed: {type(error).__name__}")
        else:
            if not 200 <= status < 300:
                self._failed(f"Wrong response from the webhook: {status}")
        self.posts.append(WebhookPost(update_id, status))
        self._on_change()
        return status

    def _failed(self, message: str) -> None:
        self._settings.webhook_error_date = int(time.time())
        self._settings.webhook_error_message = message

    async def _run(self) -> None:
        while True:
            entry = self._updates.next_for_webhook() if self._settings.webhook_url else None
            if entry is None or self._settings.closing:
                await self._updates.changed.wait(1.0)
                continue
            body = json.dumps(entry.update, ensure_ascii=False).encode()
            status = await self.post(
                body, secret=self._settings.webhook_secret or None, update_id=entry.update_id
            )
            if 200 <= status < 300:
                self._updates.acknowledge(entry)
            else:
                # Telegram backs off and tries again; the fake does the same, quickly.
                await asyncio.sleep(_RETRY_SECONDS)
