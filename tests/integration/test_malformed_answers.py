"""Both request classes against the same malformed answers: surely not sent, maybe sent or answered.

A raw socket server on 127.0.0.1 answers the first request with the bytes of one row and every
later request with a good answer, so each row also shows whether the client dropped the
connection that carried a bad answer (RFC 9112 section 6.3: it must). Where aiohttp's outcome
differs, the row says why the lean client's is the right one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from nudgebot.telegram.aiohttp_request import AiohttpRequest, is_surely_not_sent
from nudgebot.telegram.lean_request import LeanHttpRequest
from tests.http_requests import take_request

BODY = b'{"ok":true,"result":true}'
MIB = 1024 * 1024
OVER_CAP = 65 * MIB

ANSWERED = f"answer 200, {len(BODY)} bytes"
MAYBE_SENT = "maybe sent"
WAITED = "maybe sent, after the read timeout"
NOT_SENT = "not sent"


def good(head: bytes = b"HTTP/1.1 200 OK", extra: bytes = b"", body: bytes = BODY) -> bytes:
    return head + b"\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


def chunked(
    head: bytes = b"HTTP/1.1 200 OK",
    size: bytes = b"%x" % len(BODY),
    tail: bytes = b"\r\n0\r\n\r\n",
) -> bytes:
    return head + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + size + b"\r\n" + BODY + tail


@dataclass(frozen=True)
class Row:
    """One answer and the outcome each class gives it."""

    answer: bytes | Callable[[], bytes]
    lean: str
    aiohttp: str = ""  # empty: the same as the lean client
    hang_up: bool = False  # the server closes the connection after the answer
    method: str = "POST"

    def expected(self, transport: type[BaseRequest]) -> str:
        if transport is AiohttpRequest and self.aiohttp:
            return self.aiohttp
        return self.lean

    def bytes(self) -> bytes:
        return self.answer() if callable(self.answer) else self.answer


ROWS: dict[str, Row] = {
    # Status lines
    "status 2000": Row(good(b"HTTP/1.1 2000 OK"), MAYBE_SENT),
    "status 20": Row(good(b"HTTP/1.1 20 OK"), MAYBE_SENT),
    "status abc": Row(good(b"HTTP/1.1 abc OK"), MAYBE_SENT),
    "two spaces before the status": Row(good(b"HTTP/1.1  200 OK"), MAYBE_SENT),
    "lower-case protocol name": Row(good(b"http/1.1 200 OK"), MAYBE_SENT),
    "not HTTP at all": Row(b"SSH-2.0-OpenSSH_9.2\r\n\r\n", MAYBE_SENT, hang_up=True),
    # RFC 9110 6.2: a later minor version of a major version we speak is read as the highest
    # we know (1.1). aiohttp refuses HTTP/1.2, which the RFC says to accept.
    "HTTP/1.2": Row(good(b"HTTP/1.2 200 OK"), ANSWERED, aiohttp=MAYBE_SENT),
    # A text status line saying 2.0 is no HTTP/2 server (HTTP/2 is binary) and no HTTP/1.x
    # answer either: its framing means nothing. aiohttp takes it as HTTP/1.1.
    "HTTP/2.0 in a text status line": Row(good(b"HTTP/2.0 200 OK"), MAYBE_SENT, aiohttp=ANSWERED),
    # The reason phrase is HTAB, SP and visible characters only (RFC 9112 4); a control
    # character there is as malformed as one in a field value, which aiohttp refuses.
    "control character in the reason": Row(
        good(b"HTTP/1.1 200 O\x01K"), MAYBE_SENT, aiohttp=ANSWERED
    ),
    # RFC 9112 2.2 lets a *server* skip an empty line before a request line; nothing lets a
    # client skip one before a status line, and stray bytes there mean the framing of the
    # exchange before went wrong. aiohttp skips it.
    "empty line before the status line": Row(b"\r\n" + good(), MAYBE_SENT, aiohttp=ANSWERED),
    # We never ask to switch protocols (RFC 9110 15.2.2): the connection now speaks something
    # else and no Bot API answer will come. aiohttp hands the 101 to PTB, which reads it as an
    # error status, that is "surely not sent"; but the request did reach the server.
    "101 Switching Protocols": Row(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        MAYBE_SENT,
        aiohttp="answer 101, 0 bytes",
    ),
    "no reason phrase": Row(good(b"HTTP/1.1 200"), ANSWERED),
    "status 600 (PTB treats it as an error status)": Row(
        good(b"HTTP/1.1 600 X"), f"answer 600, {len(BODY)} bytes"
    ),
    # Content-Length
    "Content-Length +25": Row(b"HTTP/1.1 200 OK\r\nContent-Length: +25\r\n\r\n" + BODY, MAYBE_SENT),
    "Content-Length 0x19": Row(
        b"HTTP/1.1 200 OK\r\nContent-Length: 0x19\r\n\r\n" + BODY, MAYBE_SENT
    ),
    "Content-Length -1": Row(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" + BODY, MAYBE_SENT),
    "Content-Length 25x": Row(b"HTTP/1.1 200 OK\r\nContent-Length: 25x\r\n\r\n" + BODY, MAYBE_SENT),
    "Content-Length empty": Row(b"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n" + BODY, MAYBE_SENT),
    "Content-Length 25, 25": Row(
        b"HTTP/1.1 200 OK\r\nContent-Length: 25, 25\r\n\r\n" + BODY, MAYBE_SENT
    ),
    "Content-Length in Arabic digits": Row(
        "HTTP/1.1 200 OK\r\nContent-Length: ٢٥\r\n\r\n".encode() + BODY, MAYBE_SENT
    ),
    "conflicting Content-Lengths": Row(good(extra=b"Content-Length: 26\r\n"), MAYBE_SENT),
    "repeated equal Content-Lengths": Row(good(extra=b"Content-Length: 25\r\n"), MAYBE_SENT),
    "Content-Length of 23 digits": Row(
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n" + BODY, MAYBE_SENT
    ),
    # Transfer-Encoding
    "Transfer-Encoding and Content-Length": Row(
        chunked(b"HTTP/1.1 200 OK\r\nContent-Length: 5"), MAYBE_SENT
    ),
    "Transfer-Encoding and Content-Length, closing": Row(
        chunked(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5"),
        MAYBE_SENT,
        hang_up=True,
    ),
    # RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding MUST be treated as having
    # faulty framing. aiohttp decodes it as chunked anyway.
    "Transfer-Encoding in HTTP/1.0": Row(
        chunked(b"HTTP/1.0 200 OK"), MAYBE_SENT, aiohttp=ANSWERED, hang_up=True
    ),
    # We never send TE, so the only coding a server may use is chunked (RFC 9112 7.4); a body
    # in any other coding cannot be decoded, and aiohttp hands over the coded bytes as JSON.
    "Transfer-Encoding gzip": Row(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + BODY,
        MAYBE_SENT,
        aiohttp=ANSWERED,
        hang_up=True,
    ),
    # Chunked may be applied once only (RFC 9112 6.1); aiohttp decodes it once and answers.
    "Transfer-Encoding chunked, chunked": Row(
        chunked().replace(b": chunked", b": chunked, chunked"), MAYBE_SENT, aiohttp=ANSWERED
    ),
    "Transfer-Encoding CHUNKED": Row(chunked().replace(b": chunked", b": CHUNKED"), ANSWERED),
    # Chunks
    "chunk size 0x19": Row(chunked(size=b"0x19"), MAYBE_SENT),
    "chunk size +19": Row(chunked(size=b"+19"), MAYBE_SENT),
    "chunk size -19": Row(chunked(size=b"-19"), MAYBE_SENT),
    "chunk size zz": Row(chunked(size=b"zz"), MAYBE_SENT),
    "chunk size empty": Row(chunked(size=b""), MAYBE_SENT),
    "chunk size of 20 hex digits": Row(chunked(size=b"f" * 20), MAYBE_SENT),
    "chunk lines ending in a bare LF": Row(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n19\n" + BODY + b"\n0\n\n",
        MAYBE_SENT,
    ),
    "chunk data without CRLF": Row(chunked(tail=b"XX0\r\n\r\n"), MAYBE_SENT),
    "chunk extension": Row(chunked(size=b"19;name=value"), ANSWERED),
    "chunk size then a space": Row(chunked(size=b"19 "), ANSWERED),
    # aiohttp has no cap on a chunk-size line: a server could make it buffer without end.
    "chunk-size line of 10 KB": Row(
        chunked(size=b"19;" + b"a" * 10_000), MAYBE_SENT, aiohttp=ANSWERED
    ),
    "trailer line of 10 KB": Row(
        chunked(tail=b"\r\n0\r\nX-T: " + b"a" * 10_000 + b"\r\n\r\n"), MAYBE_SENT
    ),
    "70 KB of trailers": Row(
        chunked(tail=b"\r\n0\r\n" + b"X-T: aaaaaaaaaaaaaaaaaaaaaa\r\n" * 2700 + b"\r\n"), MAYBE_SENT
    ),
    "trailer without colon": Row(chunked(tail=b"\r\n0\r\nbad trailer\r\n\r\n"), MAYBE_SENT),
    "trailers": Row(chunked(tail=b"\r\n0\r\nX-T: 1\r\n\r\n"), ANSWERED),
    # Header fields
    "header line of 10 KB": Row(good(extra=b"X-Big: " + b"a" * 10_000 + b"\r\n"), MAYBE_SENT),
    "70 KB head of 1,000 lines": Row(
        good(extra=(b"X-A: " + b"a" * 65 + b"\r\n") * 1000), MAYBE_SENT
    ),
    # aiohttp caps each line (8190 bytes) and the number of fields, not the head: nine lines
    # of 8,000 bytes pass. The lean client caps the head itself at 64 KiB.
    "72 KB head of 9 lines": Row(
        good(extra=b"".join(b"X-%d: %s\r\n" % (i, b"a" * 8000) for i in range(9))),
        MAYBE_SENT,
        aiohttp=ANSWERED,
    ),
    "header without colon": Row(good(extra=b"Foo bar\r\n"), MAYBE_SENT),
    "header name not a token": Row(good(extra=b"X(A): 1\r\n"), MAYBE_SENT),
    "empty header name": Row(good(extra=b": x\r\n"), MAYBE_SENT),
    "bare CR in a value": Row(good(extra=b"X-A: a\rb\r\n"), MAYBE_SENT),
    "NUL in a value": Row(good(extra=b"X-A: a\x00b\r\n"), MAYBE_SENT),
    # RFC 9112 5.1: no whitespace between a field name and its colon; a server must refuse it
    # and a proxy must strip it. Read either way it could frame the body differently than an
    # intermediary did, so the lean client refuses it; aiohttp reads `Content-Length :` as
    # Content-Length.
    "whitespace before the colon": Row(
        b"HTTP/1.1 200 OK\r\nContent-Length : 25\r\n\r\n" + BODY, MAYBE_SENT, aiohttp=ANSWERED
    ),
    # RFC 9112 2.2: a whitespace-preceded line before the first field must be refused or
    # ignored, "since it might be interpreted" as a field by others; aiohttp ignores it.
    "whitespace before the first field": Row(
        good(b"HTTP/1.1 200 OK\r\n X-A: 1"), MAYBE_SENT, aiohttp=ANSWERED
    ),
    "obs-fold": Row(good(extra=b"X-A: a\r\n b\r\n"), ANSWERED),
    "folded Content-Length": Row(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n 5\r\n\r\n" + BODY, MAYBE_SENT
    ),
    "head lines ending in a bare LF": Row(good().replace(b"\r\n", b"\n", 2), ANSWERED),
    # No body
    "204": Row(b"HTTP/1.1 204 No Content\r\n\r\n", "answer 204, 0 bytes"),
    "304": Row(b"HTTP/1.1 304 Not Modified\r\n\r\n", "answer 304, 0 bytes"),
    "204 with a Content-Length": Row(
        b"HTTP/1.1 204 No Content\r\nContent-Length: 25\r\n\r\n", "answer 204, 0 bytes"
    ),
    "HEAD answered with a Content-Length": Row(
        b"HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n", "answer 200, 0 bytes", method="HEAD"
    ),
    "100 then 200": Row(b"HTTP/1.1 100 Continue\r\n\r\n" + good(), ANSWERED),
    "103 then 200": Row(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + good(), ANSWERED),
    # Ends
    "body until close": Row(b"HTTP/1.1 200 OK\r\n\r\n" + BODY, ANSWERED, hang_up=True),
    "HTTP/1.0 without keep-alive": Row(good(b"HTTP/1.0 200 OK"), ANSWERED, hang_up=True),
    "close before any answer": Row(b"", MAYBE_SENT, hang_up=True),
    "close mid-body": Row(good()[:-5], MAYBE_SENT, hang_up=True),
    "close mid-chunk": Row(chunked(tail=b""), MAYBE_SENT, hang_up=True),
    # A Bot API answer is a few KiB (a few MiB for a full getUpdates); aiohttp buffers a body
    # of any size in memory. The lean client stops at 64 MiB on every framing.
    "65 MiB body, Content-Length": Row(
        lambda: good(body=b"x" * OVER_CAP), MAYBE_SENT, aiohttp=f"answer 200, {OVER_CAP} bytes"
    ),
    "65 MiB body, chunked": Row(
        lambda: (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x\r\n%s\r\n" % (MIB, b"x" * MIB) * 65
            + b"0\r\n\r\n"
        ),
        MAYBE_SENT,
        aiohttp=f"answer 200, {OVER_CAP} bytes",
    ),
    # The issue that asked for this table saw 160 MiB buffered in one chunk: refused at its
    # size line now, before any of its data is read.
    "one chunk of 65 MiB": Row(
        lambda: (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x\r\n%s\r\n0\r\n\r\n" % (OVER_CAP, b"x" * OVER_CAP)
        ),
        MAYBE_SENT,
        aiohttp=f"answer 200, {OVER_CAP} bytes",
    ),
    "65 MiB body until close": Row(
        lambda: b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * OVER_CAP,
        MAYBE_SENT,
        aiohttp=f"answer 200, {OVER_CAP} bytes",
        hang_up=True,
    ),
}


class RawServer(asyncio.Protocol):
    """Answers the first request on any connection with `answer`, later ones with `good()`."""

    def __init__(self, answer: bytes, hang_up: bool, state: ServerState) -> None:
        self.answer = answer
        self.hang_up = hang_up
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.state.connections += 1

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (taken := take_request(self.buffer)) is not None:
            self.buffer = taken[1]
            self.state.requests += 1
            if self.state.requests > 1:
                self.transport.write(good())
                continue
            self.transport.write(self.answer)
            if self.hang_up:
                self.transport.close()
                return


@dataclass
class ServerState:
    connections: int = 0
    requests: int = 0
    port: int = 0


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[Row], Awaitable[ServerState]]]:
    servers: list[asyncio.Server] = []

    async def start(row: Row) -> ServerState:
        state = ServerState()
        answer = row.bytes()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: RawServer(answer, row.hang_up, state), "127.0.0.1", 0
        )
        servers.append(server)
        state.port = server.sockets[0].getsockname()[1]
        return state

    yield start
    for server in servers:
        server.close()


async def outcome(request: BaseRequest, url: str, method: str) -> str:
    """What the engine would see: an answer, or an error it counts as sent or not."""
    try:
        status, body = await request.do_request(url, method, RequestData())
    except TimedOut as error:
        return NOT_SENT if is_surely_not_sent(error) else WAITED
    except NetworkError as error:
        return NOT_SENT if is_surely_not_sent(error) else MAYBE_SENT
    return f"answer {status}, {len(body)} bytes"


@pytest.mark.parametrize("transport", [LeanHttpRequest, AiohttpRequest], ids=["lean", "aiohttp"])
@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
async def test_each_answer_gets_the_outcome_in_the_table_and_bad_connections_are_dropped(
    raw_server: Callable[[Row], Awaitable[ServerState]],
    row: Row,
    transport: type[BaseRequest],
) -> None:
    server = await raw_server(row)
    url = f"http://127.0.0.1:{server.port}/bot123:abc/sendMessage"
    request = transport(connection_pool_size=1, read_timeout=5.0)  # type: ignore[call-arg]
    await request.initialize()
    try:
        seen = await outcome(request, url, row.method)
        after = await request.do_request(url, "POST", RequestData())
    finally:
        await request.shutdown()

    assert seen == row.expected(transport)
    assert after == (200, BODY)
    if seen == MAYBE_SENT or row.hang_up:
        assert server.connections == 2, "a connection that carried a bad answer was reused"
