"""PTB request class on aiohttp that tells a request surely not sent from one maybe sent."""

from __future__ import annotations

import asyncio
import re
from typing import Final

import aiohttp
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from nudgebot.telegram import handover
from nudgebot.telegram.connections import tls_context
from nudgebot.telegram.pooled_request import PooledRequest, acquire_slot, given
from nudgebot.telegram.proxy import proxy_for
from nudgebot.telegram.send_errors import (
    ConnectionLost,
    ConnectTimedOut,
    PoolTimedOut,
    SendNotStarted,
    is_surely_not_sent,
)

# The pool's and the errors' names moved to modules of their own; they stay importable from here.
__all__ = [
    "AiohttpRequest",
    "ConnectTimedOut",
    "ConnectionLost",
    "PoolTimedOut",
    "PooledRequest",
    "SendNotStarted",
    "acquire_slot",
    "given",
    "is_surely_not_sent",
]

_CONNECT_TIMEOUT_MESSAGE: Final = (
    "Connect timeout: no connection to Telegram could be opened. Request was *not* sent."
)
# Connection resets, decided with RFC 9112 section 9.3.1 and aiohttp's own rule (it retries a
# broken keep-alive connection only for idempotent methods, never for POST):
# - a keep-alive connection the server closed (or reset) between two requests is usually found
#   dead by aiohttp's pool before reuse, and the request goes out on a new connection: no error;
# - when the close is noticed only as the request is written, aiohttp refuses the write
#   ("Cannot write to closing transport", before handing those bytes to the socket; headers are
#   buffered and go out with the body): the request never left, or left incomplete, so
#   Telegram cannot act on it: SendNotStarted, retried;
# - the connection dies after the whole request was written and before any answer: the server
#   may have read it, sent the message and then died, and nothing on our side tells the two
#   apart (a FIN or a RST looks the same either way): ConnectionLost, 'unknown', never resent.
_WRITE_REFUSED: Final = "Cannot write to closing transport"
# Bot tokens look like 123456789:AA...; the URL path carries one, so it must never leak.
_TOKEN_PATTERN: Final = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
_REDACTED: Final = "<redacted>"
_Headers = dict[str, str] | None
_JSON_HEADERS: Final = {"Content-Type": "application/json"}


class AiohttpRequest(PooledRequest):
    """A `telegram.request.BaseRequest` on aiohttp with the semantics of PTB's HTTPXRequest.

    At most `connection_pool_size` requests are in flight; a request that waits longer than
    `pool_timeout` for its turn fails with `PoolTimedOut` and is never sent. aiohttp has no
    per-write timeout, so the write timeout bounds the whole request instead: a request never
    takes longer than connect + write + read timeouts together (when all three are finite).
    """

    __slots__ = ("_proxies", "_session")

    def _prepare(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}

    async def initialize(self) -> None:
        """Open the aiohttp session on the running loop (no-op if already open)."""
        if self._session is not None and not self._session.closed:
            return
        # Our own semaphore, not the connector's limit, decides who waits: aiohttp cannot tell
        # waiting for the pool from connecting, and only the former is surely harmless.
        self._slots = asyncio.Semaphore(self._pool_size)
        self._session = aiohttp.ClientSession(
            # The lean client's CAs: the system's, or certifi's bundle on a system without any.
            connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=tls_context()),
            headers={"User-Agent": self.USER_AGENT},
        )

    async def shutdown(self) -> None:
        """Close the aiohttp session (no-op if already closed)."""
        if self._session is None or self._session.closed:
            return
        await self._session.close()

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
        session, slots = self._session, self._slots
        if session is None or slots is None or session.closed:
            raise SendNotStarted("This AiohttpRequest is not initialized!")
        has_files = request_data is not None and request_data.contains_files
        read = given(read_timeout, self._read_timeout)
        connect = given(connect_timeout, self._connect_timeout)
        pool = given(pool_timeout, self._pool_timeout)
        write = given(
            write_timeout, self._media_write_timeout if has_files else self._write_timeout
        )
        total = None
        if connect is not None and write is not None and read is not None:
            total = connect + write + read
        timeout = aiohttp.ClientTimeout(
            total=total, connect=connect, sock_connect=connect, sock_read=read
        )
        await acquire_slot(slots, pool)
        try:
            # aiohttp writes as soon as it has a connection: the last moment is before it asks.
            handover.leaving()
            data, headers = _body(request_data)
            proxy = self._proxy_for(url)
            async with session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=proxy
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise ConnectTimedOut(_CONNECT_TIMEOUT_MESSAGE) from _safe_cause(err, url)
        except aiohttp.ClientConnectorError as err:
            raise SendNotStarted(_describe(err, url)) from _safe_cause(err, url)
        except (aiohttp.InvalidURL, aiohttp.ClientHttpProxyError) as err:
            # A proxy that refused the tunnel (407, 403, 502 to CONNECT) never saw the request.
            raise SendNotStarted(_describe(err, url)) from _safe_cause(err, url)
        except TimeoutError as err:
            # sock_read or the total bound: the request went out, Telegram may have acted on it.
            raise TimedOut from _safe_cause(err, url)
        except aiohttp.ClientError as err:
            if _write_refused(err):
                raise SendNotStarted(_describe(err, url)) from _safe_cause(err, url)
            raise ConnectionLost(_describe(err, url)) from _safe_cause(err, url)
        finally:
            slots.release()

    def _proxy_for(self, url: str) -> str | None:
        """The proxy URL for `url` (credentials included, for aiohttp), chosen once per URL."""
        if url not in self._proxies:
            try:
                chosen = proxy_for(url, self._proxy)
            except ValueError as error:
                raise SendNotStarted(f"The proxy URL {error}. Request was *not* sent.") from None
            if len(self._proxies) < 256:  # a handful of methods; never an unbounded cache
                self._proxies[url] = None if chosen is None else chosen.url
            return None if chosen is None else chosen.url
        return self._proxies[url]


def _write_refused(err: BaseException) -> bool:
    """True when aiohttp refused to write (part of) the request to an already closing socket."""
    seen: BaseException | None = err
    for _ in range(5):  # aiohttp wraps the writer's error once or twice
        if seen is None:
            return False
        if isinstance(seen, aiohttp.ClientConnectionResetError) and _WRITE_REFUSED in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _body(request_data: RequestData | None) -> tuple[aiohttp.FormData | bytes | None, _Headers]:
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        # A JSON body costs a fraction of url-encoding a long HTML text on the hot path.
        return request_data.json_payload, _JSON_HEADERS
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None


def _redact(text: str, url: str) -> str:
    return _TOKEN_PATTERN.sub(_REDACTED, text.replace(url, _REDACTED))


def _describe(err: BaseException, url: str) -> str:
    return _redact(f"aiohttp.{type(err).__name__}: {err}", url)


def _safe_cause(err: BaseException, url: str) -> BaseException | None:
    """Chain `err` only if its text holds no URL or token; tracebacks print the cause."""
    for text in (str(err), repr(err)):
        if _redact(text, url) != text:
            return None
    return err
