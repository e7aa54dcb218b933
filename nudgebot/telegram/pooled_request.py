"""What the request classes share: a pool of slots, default timeouts and per-call overrides."""

from __future__ import annotations

import asyncio
from typing import Final

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest

from nudgebot.telegram.send_errors import PoolTimedOut

__all__ = ["POOL_TIMEOUT_MESSAGE", "PooledRequest", "acquire_slot", "given"]

POOL_TIMEOUT_MESSAGE: Final = (
    "Pool timeout: All connections in the connection pool are occupied. "
    "Request was *not* sent to Telegram. Consider adjusting the connection "
    "pool size or the pool timeout."
)


class PooledRequest(BaseRequest):
    """What PTB's request classes share: a pool size, default timeouts, per-call overrides."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxy",
        "_read_timeout",
        "_slots",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        proxy: str | None = None,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        # Every call goes through this proxy (else HTTPS_PROXY / HTTP_PROXY), unless NO_PROXY
        # names the host; see nudgebot.telegram.proxy.
        self._proxy = proxy or None
        # At most pool-size requests in flight; made on the running loop by initialize().
        self._slots: asyncio.Semaphore | None = None
        self._prepare()

    def _prepare(self) -> None:
        """Set up the subclass's own state from the settings above; no I/O happens here."""

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds, as passed to the constructor."""
        return self._read_timeout


def given(value: ODVInput[float], default: float | None) -> float | None:
    """A per-call timeout as PTB passes it: DEFAULT_NONE means the request's own default."""
    return default if isinstance(value, DefaultValue) else value


async def acquire_slot(slots: asyncio.Semaphore, pool_timeout: float | None) -> None:
    """Take a slot; waiting longer than `pool_timeout` raises `PoolTimedOut` (nothing sent)."""
    if not slots.locked() or pool_timeout is None:
        await slots.acquire()
        return
    try:
        async with asyncio.timeout(pool_timeout):
            await slots.acquire()
    except TimeoutError:
        raise PoolTimedOut(POOL_TIMEOUT_MESSAGE) from None
