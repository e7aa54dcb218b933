"""Which proxy a Bot API URL goes through, and the HTTP CONNECT tunnel the lean client opens.

The choice follows the usual rules: a host listed in NO_PROXY goes direct; otherwise the
explicit proxy (NUDGEBOT_PROXY_URL), else HTTPS_PROXY for https URLs and HTTP_PROXY for http
ones (lower-case names too, as curl and Python's urllib read them). Proxies are http:// (plain
to the proxy) or https:// (TLS to the proxy); an https target is tunnelled with CONNECT, an
http target is sent to the proxy in absolute form.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import unquote, urlsplit

__all__ = ["PROXY_SCHEMES", "Proxy", "ProxyRefusedError", "open_tunnel", "parse_proxy", "proxy_for"]

PROXY_SCHEMES: Final = ("http", "https")
_MAX_ANSWER: Final = 16 * 1024
# urllib's own NO_PROXY matching (host, host:port, domain suffixes, "*"), as aiohttp uses it;
# typeshed does not list it, though the module defines it on every platform.
_bypassed: Callable[[str], bool] = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009  # a proxy's answer to CONNECT is a status line and a few headers


class ProxyRefusedError(Exception):
    """The proxy did not open the tunnel; no byte of the request reached Telegram."""


@dataclass(frozen=True, slots=True)
class Proxy:
    """A parsed proxy URL; `url` keeps any credentials, and str() never shows them."""

    scheme: str
    host: str
    port: int
    url: str = field(repr=False)
    authorization: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_proxy(url: str) -> Proxy:
    """Parse http(s)://[user:password@]host[:port]; ValueError says what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in PROXY_SCHEMES:
        raise ValueError("must be an http:// or https:// proxy URL such as http://proxy:3128")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise ValueError("has no host: write it as http://proxy.example:3128")
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    return Proxy(parts.scheme, parts.hostname, port, url.strip(), authorization)


def proxy_for(url: str, explicit: str | None = None) -> Proxy | None:
    """The proxy `url` goes through, or None to connect directly."""
    parts = urlsplit(url)
    environment = urllib.request.getproxies_environment()
    host = parts.hostname or ""
    try:
        address = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        address = host
    if host and environment.get("no") and _bypassed(address):
        return None
    if explicit:
        return parse_proxy(explicit)
    chosen = environment.get(parts.scheme)
    if not chosen:
        return None
    if "://" not in chosen:
        chosen = f"http://{chosen}"  # proxy.example:3128, as curl reads it
    try:
        return parse_proxy(chosen)
    except ValueError as error:
        raise ValueError(f"in {parts.scheme.upper()}_PROXY {error}") from None


async def open_tunnel(
    sock: socket.socket,
    proxy: Proxy,
    host: str,
    port: int,
    proxy_tls: ssl.SSLContext | None,
) -> asyncio.Transport:
    """Ask the proxy on `sock` (a connected socket) for a tunnel to host:port.

    Returns the transport carrying the tunnel, with nothing read past the proxy's answer;
    `ProxyRefusedError` when the proxy answers anything but 2xx or hangs up.
    """
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[bytes] = loop.create_future()
    transport, reader = await loop.create_connection(
        lambda: _TunnelAnswer(answer),
        sock=sock,
        ssl=proxy_tls,
        server_hostname=proxy.host if proxy_tls is not None else None,
    )
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    head = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"
    if proxy.authorization:
        head += f"Proxy-Authorization: {proxy.authorization}\r\n"
    transport.write(f"{head}\r\n".encode("latin-1"))
    try:
        status_line = (await answer).split(b"\r\n", 1)[0].decode("latin-1", "replace")
    except BaseException:
        transport.abort()
        raise
    pieces = status_line.split(" ", 2)
    if len(pieces) < 2 or not pieces[0].startswith("HTTP/1.") or not pieces[1].startswith("2"):
        transport.abort()
        raise ProxyRefusedError(f"the proxy {proxy} refused the tunnel: {status_line[:100]}")
    if reader.extra:
        # TLS has not started yet: a proxy that sends more is no tunnel to trust.
        transport.abort()
        raise ProxyRefusedError(f"the proxy {proxy} sent data before the tunnel was used")
    assert isinstance(transport, asyncio.Transport)
    return transport


class _TunnelAnswer(asyncio.Protocol):
    """Reads the proxy's answer head, and notes whether anything came after it."""

    def __init__(self, answer: asyncio.Future[bytes]) -> None:
        self.answer = answer
        self.buffer = b""
        self.extra = False

    def data_received(self, data: bytes) -> None:
        if self.answer.done():
            self.extra = True
            return
        self.buffer += data
        if b"\r\n\r\n" in self.buffer:
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            self.extra = bool(rest)
            self.answer.set_result(head)
        elif len(self.buffer) > _MAX_ANSWER:
            self.answer.set_exception(ProxyRefusedError("the proxy's answer is too long"))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.answer.done():
            self.answer.set_exception(ProxyRefusedError("the proxy closed the connection"))
