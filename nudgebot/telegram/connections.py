"""Keep-alive HTTP/1.1 connections to one origin: happy-eyeballs connect, TLS, an idle pool.

What can go wrong is told apart by when it happens, because that decides whether Telegram may
have acted on a request: `ConnectError` and `WriteRefusedError` mean no byte of it left;
`AnswerLostError` means it was written and the answer did not arrive whole and valid.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import ssl
from typing import Final

import aiohappyeyeballs
import certifi

from nudgebot.telegram.http11 import MalformedResponseError, Response, ResponseParser
from nudgebot.telegram.proxy import Proxy, ProxyRefusedError, open_tunnel

__all__ = [
    "HAPPY_EYEBALLS_DELAY",
    "AnswerLostError",
    "ConnectError",
    "ConnectTimeoutError",
    "Connection",
    "Origin",
    "WriteRefusedError",
    "tls_context",
]

# RFC 8305's "connection attempt delay", as aiohttp uses it: when the first address (IPv6 if
# the resolver prefers it) has not connected within 0.25 s, the next one (the other family)
# is tried too, and the first to connect wins. Paid once per new connection, never per request.
HAPPY_EYEBALLS_DELAY: Final = 0.25


class ConnectError(Exception):
    """No connection could be opened (DNS, refused, unreachable, TLS): nothing was sent."""


class ConnectTimeoutError(ConnectError):
    """No connection was open within the connect timeout: nothing was sent."""


class WriteRefusedError(Exception):
    """The connection was already closed when the request was to be written: nothing left."""


class AnswerLostError(Exception):
    """After the request was written, the connection ended or the answer was not valid HTTP."""


def tls_context() -> ssl.SSLContext:
    """The system's CA certificates, or certifi's bundle when the system has none."""
    context = ssl.create_default_context()
    if not _system_has_cas(context):
        context.load_verify_locations(cafile=certifi.where())
    return context


def _system_has_cas(context: ssl.SSLContext) -> bool:
    if context.cert_store_stats()["x509_ca"]:
        return True  # read from the system's CA file (or its certificate store)
    # A hashed CA directory is read lazily, certificate by certificate, so nothing is counted
    # before the first handshake: its entries are what the system has.
    directory = ssl.get_default_verify_paths().capath
    if not directory:  # None when the system has no such directory
        return False
    with os.scandir(directory) as entries:
        return any(True for _ in entries)


class Connection(asyncio.Protocol):
    """One keep-alive connection; at most one request on it at a time (no pipelining)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._parser: ResponseParser | None = None
        self._waiter: asyncio.Future[Response] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def usable(self) -> bool:
        transport = self.transport
        return not self.closed and transport is not None and not transport.is_closing()

    def send(self, data: bytes, *, head_request: bool = False) -> asyncio.Future[Response]:
        """Write one request; raises `WriteRefusedError` when the transport took none of it."""
        transport = self.transport
        assert transport is not None
        self._parser = ResponseParser(head_request=head_request)
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        transport.write(data)
        # asyncio's transport sends at once; a socket that is already dead raises inside
        # write(), which closes the transport before returning. A send that fails has sent
        # nothing, and the connection was idle, so no byte of this request left.
        if transport.is_closing() and not waiter.done():
            self._waiter = self._parser = None
            self.closed = True
            raise WriteRefusedError("The connection closed before the request was written")
        return waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def data_received(self, data: bytes) -> None:
        parser = self._parser
        if parser is None:
            # Bytes nobody asked for: the connection cannot be trusted for the next request.
            self.abort()
            return
        try:
            response = parser.feed(data)
        except MalformedResponseError as error:
            self._fail(AnswerLostError(f"Telegram's answer was not valid HTTP/1.1: {error}"))
            self.abort()  # RFC 9112 section 6.3: never reuse a connection with bad framing
            return
        if response is not None:
            self._finish(response)

    def eof_received(self) -> bool:
        self.closed = True
        parser = self._parser
        if parser is not None:
            try:
                response = parser.feed_eof()  # a close-delimited body is complete at EOF
            except MalformedResponseError as error:
                self._fail(AnswerLostError(str(error)))
            else:
                self._finish(response)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.transport = None
        self._fail(AnswerLostError(str(exc) if exc else "closed by the server"))

    def _fail(self, error: Exception) -> None:
        waiter, self._waiter, self._parser = self._waiter, None, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def _finish(self, response: Response) -> None:
        waiter, self._waiter, self._parser = self._waiter, None, None
        if waiter is not None and not waiter.done():
            waiter.set_result(response)


class Origin:
    """The keep-alive connections to one scheme://host:port, direct or through one proxy.

    Through a proxy, an https origin is reached by a CONNECT tunnel with TLS to the origin
    inside it; an http origin's connections go to the proxy itself (requests in absolute form).
    """

    def __init__(self, scheme: str, host: str, port: int, proxy: Proxy | None = None) -> None:
        self.host = host
        self.port = port
        self.ssl: ssl.SSLContext | None = tls_context() if scheme == "https" else None
        self.proxy = proxy
        self.proxy_tls = tls_context() if proxy is not None and proxy.scheme == "https" else None
        self.idle: list[Connection] = []

    async def connection(self, connect_timeout: float | None) -> Connection:
        """An idle connection that is still open, or a new one."""
        if self.idle:
            # Let the loop read what already arrived first: a server that closed an idle
            # connection has sent its FIN, and a request written after it would be lost
            # without a trace of whether the server read it.
            await asyncio.sleep(0)
        while self.idle:
            connection = self.idle.pop()
            if connection.usable():
                return connection
        try:
            async with asyncio.timeout(connect_timeout):
                return await self._open()
        except TimeoutError:
            raise ConnectTimeoutError("no connection could be opened in time") from None
        except OSError as error:
            # An OSError names the host and port, never the path that holds the token.
            raise ConnectError(f"{type(error).__name__}: {error}") from error
        except ProxyRefusedError as error:
            raise ConnectError(str(error)) from error

    async def _open(self) -> Connection:
        loop = asyncio.get_running_loop()
        proxy = self.proxy
        host, port = (self.host, self.port) if proxy is None else (proxy.host, proxy.port)
        addresses = _literal_address(host, port) or await loop.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )
        # aiohappyeyeballs is what aiohttp connects with: addresses interleaved by family,
        # each next attempt started HAPPY_EYEBALLS_DELAY after the last, the losers closed.
        sock = await aiohappyeyeballs.start_connection(
            addresses, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY, interleave=1
        )
        try:
            if proxy is not None and self.ssl is not None:
                return await self._through_tunnel(sock, proxy)
            tls = self.ssl if proxy is None else self.proxy_tls
            _, connection = await loop.create_connection(
                Connection,
                sock=sock,
                ssl=tls,
                server_hostname=None if tls is None else host,
            )
        except BaseException:
            sock.close()
            raise
        return connection

    async def _through_tunnel(self, sock: socket.socket, proxy: Proxy) -> Connection:
        assert self.ssl is not None
        tunnel = await open_tunnel(sock, proxy, self.host, self.port, self.proxy_tls)
        connection = Connection()
        try:
            transport = await asyncio.get_running_loop().start_tls(
                tunnel, connection, self.ssl, server_hostname=self.host
            )
        except BaseException:
            tunnel.abort()
            raise
        assert transport is not None
        connection.connection_made(transport)
        return connection

    def release(self, connection: Connection, keep_alive: bool) -> None:
        if keep_alive and connection.usable():
            self.idle.append(connection)
        else:
            connection.close()

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


def _literal_address(host: str, port: int) -> list[aiohappyeyeballs.AddrInfoType] | None:
    """The address of a host given as an IP literal, without a trip through the resolver."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.version == 6:
        return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (host, port, 0, 0))]
    return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (host, port))]
