"""The methods by which updates leave the fake: getUpdates and the webhook's three."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from .bot_state import BotSettings
from .errors import ApiError, bad_request
from .updates import UpdateQueue

_MAX_POLL_SECONDS = 50
# The fake runs on 127.0.0.1 without TLS, so it also accepts http:// (Telegram wants https).
_WEBHOOK_SCHEMES = ("https://", "http://")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class UpdateMethods:
    """getUpdates (long polls, superseded by a newer one), setWebhook, deleteWebhook, info."""

    settings: BotSettings
    updates: UpdateQueue
    on_change: Callable[[], None]
    polls_waiting: int

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.settings.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        self.settings.poll_generation += 1
        generation = self.settings.poll_generation
        self.updates.changed.notify()  # an older long poll must notice it is superseded
        self.updates.set_allowed(params.get("allowed_updates"))
        self.updates.confirm(params.get("offset"))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(max(int(params.get("timeout", 0)), 0), _MAX_POLL_SECONDS)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self.settings.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            batch = self.updates.take(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.settings.closing:
                return batch
            self.polls_waiting += 1
            self.on_change()
            try:
                await self.updates.changed.wait(remaining)
            finally:
                self.polls_waiting -= 1

    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        url = str(params["url"])
        secret = str(params.get("secret_token", ""))
        if url and not url.startswith(_WEBHOOK_SCHEMES):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        self.settings.webhook_url = url
        self.settings.webhook_secret = secret
        self.settings.webhook_error_date = None
        self.settings.webhook_error_message = ""
        self.updates.set_allowed(params.get("allowed_updates"))
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.updates.changed.notify()
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.settings.webhook_url = ""
        self.settings.webhook_secret = ""
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.updates.changed.notify()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.settings.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": self.updates.pending_count,
        }
        if self.settings.webhook_url:
            info["max_connections"] = 40
            if self.updates.allowed is not None:
                info["allowed_updates"] = sorted(self.updates.allowed)
        if self.settings.webhook_error_date is not None:
            info["last_error_date"] = self.settings.webhook_error_date
            info["last_error_message"] = self.settings.webhook_error_message
        return info
