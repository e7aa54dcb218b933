"""PTB request class on a lean keep-alive HTTP/1.1 client: a fraction of aiohttp's CPU per send.

A Bot API call is one small JSON POST to one host. aiohttp's general client (cookies, redirects,
tracing, URL objects, per-request timers) costs about three times this client's CPU per call
(`python bench/transport.py`; figures in docs/architecture.md). The client parses answers at
least as strictly as aiohttp (`nudgebot.telegram.http11`: RFC 9112, a cap on every part) and
connects the same way (`nudgebot.telegram.connections`: happy eyeballs, TLS, proxies). This
module maps what went wrong to the semantics of `AiohttpRequest`, which the same tests check:
at most `connection_pool_size` requests in flight, `PoolTimedOut` / `ConnectTimedOut` /
`SendNotStarted` only when no byte of the request left, `TimedOut` and `ConnectionLost` when
it may have been acted on. Uploads (multipart) are rare and go through an inner
`AiohttpRequest` under the same slots.
"""

from __future__ import annotations

import asyncio
from typing import Final
from urllib.parse import urlsplit

from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from nudgebot.telegram import handover
from nudgebot.telegram.aiohttp_request import (
    AiohttpRequest,
    ConnectionLost,
    ConnectTimedOut,
    PooledRequest,
    SendNotStarted,
    acquire_slot,
    given,
)
from nudgebot.telegram.connections import (
    AnswerLostError,
    ConnectError,
    ConnectTimeoutError,
    Origin,
    WriteRefusedError,
)
from nudgebot.telegram.http11 import Response
from nudgebot.telegram.proxy import Proxy, proxy_for

__all__ = ["LeanHttpRequest"]

_CONNECT_FAILED: Final = "Could not connect to Telegram. Request was *not* sent."
_CONNECT_TIMEOUT: Final = (
    "Connect timeout: no connection to Telegram could be opened. Request was *not* sent."
)
_WRITE_REFUSED: Final = "The connection closed before the request was written; it was *not* sent."
_LOST: Final = "The connection to Telegram was lost after the request was written"


class _Target:
    """What a URL means for the wire, parsed (and its proxy chosen) once per distinct URL."""

    __slots__ = ("extra_headers", "host_header", "key", "path", "proxy")

    def __init__(self, url: str, proxy: str | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SendNotStarted("Only http and https URLs are supported. Request was *not* sent.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            self.proxy = proxy_for(url, proxy)
        except ValueError as error:
            raise SendNotStarted(f"The proxy URL {error}. Request was *not* sent.") from None
        self.key = (parts.scheme, parts.hostname, port, self.proxy)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6
        default_port = port == (443 if parts.scheme == "https" else 80)
        self.host_header = host if default_port else f"{host}:{port}"
        self.extra_headers = ""
        if self.proxy is not None and parts.scheme == "http":
            # No tunnel for plain http: the proxy gets the absolute URL (RFC 9112 3.2.2).
            path = f"http://{self.host_header}{path}"
            if self.proxy.authorization:
                self.extra_headers = f"Proxy-Authorization: {self.proxy.authorization}\r\n"
        self.path = path


class LeanHttpRequest(PooledRequest):
    """A `telegram.request.BaseRequest` for JSON calls on a lean HTTP/1.1 keep-alive pool.

    Same constructor and semantics as `AiohttpRequest`: the read timeout bounds the wait for
    the answer once the request is written (plus the write timeout while it is still going out).
    """

    __slots__ = ("_files", "_origins", "_targets")

    def _prepare(self) -> None:
        self._files = AiohttpRequest(
            connection_pool_size=self._pool_size,
            read_timeout=self._read_timeout,
            write_timeout=self._write_timeout,
            connect_timeout=self._connect_timeout,
            pool_timeout=None,  # our own slots already waited for the pool
            media_write_timeout=self._media_write_timeout,
            proxy=self._proxy,
        )
        self._origins: dict[tuple[str, str, int, Proxy | None], Origin] = {}
        self._targets: dict[str, _Target] = {}

    async def initialize(self) -> None:
        """Create the slots on the running loop; connections open on first use."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._pool_size)
        await self._files.initialize()

    async def shutdown(self) -> None:
        """Close every idle connection and the upload session."""
        for origin in self._origins.values():
            origin.close()
        self._origins.clear()
        self._slots = None
        await self._files.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `telegram.request.BaseRequest.do_request`."""
        slots = self._slots
        if slots is None:
            raise SendNotStarted("This LeanHttpRequest is not initialized!")
        pool = given(pool_timeout, self._pool_timeout)
        await acquire_slot(slots, pool)
        try:
            if request_data is not None and request_data.contains_files:
                return await self._files.do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout
                )
            return await self._exchange(
                url, method, request_data, read_timeout, write_timeout, connect_timeout
            )
        finally:
            slots.release()

    async def _exchange(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        read_timeout: ODVInput[float],
        write_timeout: ODVInput[float],
        connect_timeout: ODVInput[float],
    ) -> tuple[int, bytes]:
        target = self._targets.get(url)
        if target is None:
            target = _Target(url, self._proxy)
            if len(self._targets) < 256:  # a handful of methods; never an unbounded cache
                self._targets[url] = target
        origin = self._origins.get(target.key)
        if origin is None:
            origin = self._origins[target.key] = Origin(*target.key)
        read = given(read_timeout, self._read_timeout)
        write = given(write_timeout, self._write_timeout)
        connect = given(connect_timeout, self._connect_timeout)
        body = b"" if request_data is None else request_data.json_payload
        head = (
            f"{method} {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\n"
            f"User-Agent: {self.USER_AGENT}\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{target.extra_headers}\r\n"
        )
        try:
            connection = await origin.connection(connect)
        except ConnectTimeoutError:
            raise ConnectTimedOut(_CONNECT_TIMEOUT) from None
        except ConnectError as error:
            raise SendNotStarted(f"{_CONNECT_FAILED} ({error})") from error.__cause__
        try:
            handover.leaving()
        except BaseException:
            origin.release(connection, True)  # nothing was written on it
            raise
        try:
            waiter = connection.send(head.encode("latin-1") + body, head_request=method == "HEAD")
        except WriteRefusedError:
            connection.close()
            raise SendNotStarted(_WRITE_REFUSED) from None
        # The read timeout counts from the moment the request is written; a body the socket
        # could not take at once (a slow link) also gets the write timeout.
        wait = read
        transport = connection.transport
        if wait is not None and transport is not None and transport.get_write_buffer_size():
            wait = None if write is None else wait + write
        loop = asyncio.get_running_loop()
        timer = None if wait is None else loop.call_later(wait, _expire, waiter)
        try:
            response = await waiter
        except AnswerLostError as error:
            connection.abort()  # never reuse a connection whose answer went wrong
            raise ConnectionLost(f"{_LOST}: {safe_text(error)}") from None
        except TimeoutError:
            connection.abort()
            raise TimedOut from None
        except BaseException:
            connection.abort()  # cancelled mid-answer: the connection's state is unknown
            raise
        finally:
            if timer is not None:
                timer.cancel()
        origin.release(connection, response.keep_alive)
        return response.status, response.body


def _expire(waiter: asyncio.Future[Response]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


def safe_text(error: BaseException) -> str:
    """The error's text; this client never puts a URL (or the token in it) into one."""
    return str(error) or type(error).__name__
