"""LeanHttpRequest on the wire: HTTP/1.1 framings, connection reuse, TLS and connect timeouts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import certifi
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from nudgebot.telegram.aiohttp_request import (
    ConnectionLost,
    ConnectTimedOut,
    SendNotStarted,
    is_surely_not_sent,
)
from nudgebot.telegram.connections import tls_context
from nudgebot.telegram.lean_request import LeanHttpRequest, _Target

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
MESSAGE = {"message_id": 7, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}


def ok_body(result: Any = MESSAGE) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


def content_length(body: bytes, extra: str = "") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra.encode(), body)


Answer = Callable[[bytes], bytes | None]


@dataclass
class WireServer:
    """Reads whole requests and writes whatever bytes `answer` returns (None: hang up)."""

    answer: Answer
    hang_up_after_answer: bool = False
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0
    port: int = 0


class _Handler(asyncio.Protocol):
    def __init__(self, server: WireServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.connections += 1

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        head, sep, rest = self.buffer.partition(b"\r\n\r\n")
        if not sep:
            return
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        if len(rest) < length:
            return
        request, self.buffer = head + sep + rest[:length], rest[length:]
        self.server.requests.append(request)
        reply = self.server.answer(request)
        if reply is None:
            self.transport.close()
        else:
            self.transport.write(reply)
            if self.server.hang_up_after_answer or b"Connection: close" in reply:
                self.transport.close()


async def serve(
    answer: Answer, ssl_context: ssl.SSLContext | None = None, *, hang_up: bool = False
) -> WireServer:
    server = WireServer(answer, hang_up_after_answer=hang_up)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(lambda: _Handler(server), "127.0.0.1", 0, ssl=ssl_context)
    server.port = listener.sockets[0].getsockname()[1]
    return server


def self_signed(directory: Path, *options: str) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and its key, made by openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", *options, "-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


@pytest.fixture
def unanswered() -> Iterator[Callable[[socket.AddressFamily], tuple[str, int]]]:
    """An address whose connect never completes: a listener with a full accept queue.

    Linux drops the SYN of a connection that would overflow a listener's queue, so the
    client's connect waits as it would for a host that does not answer.
    """
    sockets: list[socket.socket] = []

    def make(family: socket.AddressFamily) -> tuple[str, int]:
        host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
        listener = socket.socket(family)
        listener.bind((host, 0))
        listener.listen(0)
        sockets.append(listener)
        port = listener.getsockname()[1]
        for _ in range(3):  # one fills the queue; the rest make sure it stays full
            filler = socket.socket(family)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((host, port))
            sockets.append(filler)
        return host, port

    yield make
    for sock in sockets:
        sock.close()


@pytest.fixture
async def lean_bot() -> AsyncIterator[Callable[[int, str], Bot]]:
    bots: list[Bot] = []

    def make(port: int, scheme: str = "http") -> Bot:
        bot = Bot(
            TOKEN,
            base_url=f"{scheme}://127.0.0.1:{port}/bot",
            request=LeanHttpRequest(connection_pool_size=2, read_timeout=2.0),
        )
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        await bot.request.shutdown()


async def test_a_chunked_answer_is_read_whole(lean_bot: Callable[[int, str], Bot]) -> None:
    body = ok_body()
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    for piece in (body[:10], body[10:]):
        chunked += b"%x\r\n%s\r\n" % (len(piece), piece)
    chunked += b"0\r\n\r\n"
    server = await serve(lambda _: chunked)
    bot = lean_bot(server.port, "http")
    await bot.request.initialize()

    first = await bot.send_message(chat_id=1, text="hi")
    second = await bot.send_message(chat_id=1, text="hi")

    assert first.message_id == second.message_id == 7
    assert server.connections == 1


async def test_an_answer_without_length_ends_at_close(lean_bot: Callable[[int, str], Bot]) -> None:
    server = await serve(lambda _: b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + ok_body())
    bot = lean_bot(server.port, "http")
    await bot.request.initialize()

    messages = [await bot.send_message(chat_id=1, text="hi") for _ in range(3)]

    assert [m.message_id for m in messages] == [7, 7, 7]
    assert server.connections == 3


async def test_connection_close_is_honoured(lean_bot: Callable[[int, str], Bot]) -> None:
    server = await serve(lambda _: content_length(ok_body(), "Connection: close\r\n"))
    bot = lean_bot(server.port, "http")
    await bot.request.initialize()

    for _ in range(3):
        await bot.send_message(chat_id=1, text="hi")

    assert server.connections == 3


async def test_keep_alive_reuses_one_connection(lean_bot: Callable[[int, str], Bot]) -> None:
    server = await serve(lambda _: content_length(ok_body()))
    bot = lean_bot(server.port, "http")
    await bot.request.initialize()

    for _ in range(5):
        await bot.send_message(chat_id=1, text="hi")

    assert server.connections == 1
    assert all(b"Content-Type: application/json" in r for r in server.requests)


async def test_bytes_after_an_answer_are_never_read_as_the_next_one(
    lean_bot: Callable[[int, str], Bot],
) -> None:
    server = await serve(lambda _: content_length(ok_body()) + b"HTTP/1.1 200 OK\r\n")
    bot = lean_bot(server.port, "http")
    await bot.request.initialize()

    first = await bot.send_message(chat_id=1, text="hi")
    second = await bot.send_message(chat_id=1, text="hi")

    assert first.message_id == second.message_id == 7
    assert server.connections == 2


async def test_garbage_instead_of_http_is_maybe_sent(lean_bot: Callable[[int, str], Bot]) -> None:
    server = await serve(lambda _: b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
    bot = lean_bot(server.port, "http")
    await bot.request.initialize()

    with pytest.raises(NetworkError) as caught:
        await bot.send_message(chat_id=1, text="hi")

    assert isinstance(caught.value, ConnectionLost)
    assert not is_surely_not_sent(caught.value)


async def test_a_half_answer_then_close_is_maybe_sent(lean_bot: Callable[[int, str], Bot]) -> None:
    server = await serve(lambda _: content_length(ok_body())[:-5], hang_up=True)
    bot = lean_bot(server.port, "http")
    await bot.request.initialize()

    with pytest.raises(NetworkError) as caught:
        await bot.send_message(chat_id=1, text="hi")

    assert isinstance(caught.value, ConnectionLost)


async def test_a_slow_connect_is_connect_timed_out_and_not_sent(
    unanswered: Callable[[socket.AddressFamily], tuple[str, int]],
) -> None:
    host, port = unanswered(socket.AF_INET)
    bot = Bot(
        TOKEN,
        base_url=f"http://{host}:{port}/bot",
        request=LeanHttpRequest(connect_timeout=0.05),
    )
    await bot.request.initialize()

    with pytest.raises(TimedOut, match=r"\*not\* sent") as caught:
        await bot.send_message(chat_id=1, text="hi")
    await bot.request.shutdown()

    assert isinstance(caught.value, ConnectTimedOut)
    assert isinstance(caught.value, SendNotStarted)
    assert TOKEN not in str(caught.value)


async def test_when_ipv6_does_not_answer_ipv4_is_tried_and_wins(
    unanswered: Callable[[socket.AddressFamily], tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Happy eyeballs: without them the IPv6 attempt would use up the whole connect timeout.
    silent_host, silent_port = unanswered(socket.AF_INET6)
    server = await serve(lambda _: content_length(ok_body()))
    resolved = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (silent_host, silent_port, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", server.port)),
    ]
    loop = asyncio.get_running_loop()
    asked: list[str] = []

    async def resolve(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        return resolved

    monkeypatch.setattr(loop, "getaddrinfo", resolve)
    request = LeanHttpRequest(connect_timeout=5.0, read_timeout=2.0)
    await request.initialize()

    status, _ = await request.do_request(f"http://dual.test:{server.port}/bot{TOKEN}/getMe", "POST")
    await request.shutdown()

    assert (status, asked, server.connections) == (200, ["dual.test"], 1)
    assert server.requests[0].split(b"\r\n")[1] == b"Host: dual.test:%d" % server.port


async def test_a_refused_address_falls_through_to_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    server = await serve(lambda _: content_length(ok_body()))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    resolved = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", closed_port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", server.port)),
    ]

    async def resolve(*args: Any, **kwargs: Any) -> list[Any]:
        return resolved

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolve)
    request = LeanHttpRequest(read_timeout=2.0)
    await request.initialize()

    status, _ = await request.do_request(f"http://two.test/bot{TOKEN}/getMe", "POST")
    await request.shutdown()

    assert status == 200


async def test_an_uninitialized_request_sends_nothing() -> None:
    request = LeanHttpRequest()

    with pytest.raises(SendNotStarted):
        await request.do_request(f"http://127.0.0.1:9/bot{TOKEN}/getMe", "POST")


async def tls_server(tmp_path: Path) -> tuple[WireServer, Path]:
    """A TLS server on 127.0.0.1 and its self-signed certificate."""
    cert, key = self_signed(tmp_path, "-addext", "subjectAltName=IP:127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    return await serve(lambda _: content_length(ok_body()), server_context), cert


async def test_tls_to_a_server_we_trust(
    lean_bot: Callable[[int, str], Bot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = await tls_server(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the system's CA file, as OpenSSL reads it
    bot = lean_bot(server.port, "https")
    await bot.request.initialize()

    message = await bot.send_message(chat_id=1, text="hi")

    assert message.message_id == 7
    assert server.requests[0].startswith(b"POST /bot")


async def test_without_system_certificates_the_certifi_bundle_is_trusted(
    lean_bot: Callable[[int, str], Bot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = await tls_server(tmp_path)
    bot = lean_bot(server.port, "https")  # first: the Bot's own httpx client reads these too
    await bot.request.initialize()
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-directory"))
    monkeypatch.setattr(certifi, "where", lambda: str(cert))  # a bundle that holds our CA

    message = await bot.send_message(chat_id=1, text="hi")

    assert message.message_id == 7


def test_without_system_certificates_every_certifi_authority_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-directory"))
    bundle = Path(certifi.where()).read_text().count("BEGIN CERTIFICATE")

    assert tls_context().cert_store_stats()["x509_ca"] == bundle


def test_a_system_ca_file_is_used_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, _ = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-directory"))

    assert tls_context().cert_store_stats()["x509_ca"] == 1


def test_a_system_ca_directory_is_used_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "certs"
    directory.mkdir()
    self_signed(directory)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(directory))

    # OpenSSL reads a CA directory lazily, so nothing is counted yet, and certifi stays out.
    assert tls_context().cert_store_stats()["x509_ca"] == 0


async def test_tls_to_an_untrusted_server_is_not_sent(
    lean_bot: Callable[[int, str], Bot], tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    server = await serve(lambda _: content_length(ok_body()), server_context)
    bot = lean_bot(server.port, "https")
    await bot.request.initialize()

    with pytest.raises(NetworkError) as caught:
        await bot.send_message(chat_id=1, text="hi")

    assert isinstance(caught.value, SendNotStarted)
    assert server.requests == []


@pytest.mark.parametrize(
    ("url", "host_header", "path"),
    [
        ("https://api.telegram.org/bot1:x/sendMessage", "api.telegram.org", "/bot1:x/sendMessage"),
        ("http://127.0.0.1:8081/bot1:x/getMe", "127.0.0.1:8081", "/bot1:x/getMe"),
        ("http://[::1]:8081/bot1:x/getMe", "[::1]:8081", "/bot1:x/getMe"),
        ("https://example.org:443/file/bot1:x/a.png?x=1", "example.org", "/file/bot1:x/a.png?x=1"),
    ],
)
def test_the_request_line_and_host_header_follow_the_url(
    url: str, host_header: str, path: str
) -> None:
    target = _Target(url)

    assert (target.host_header, target.path) == (host_header, path)
