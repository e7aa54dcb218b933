"""HTTP/1.1 response parsing by RFC 9112 with a cap on every part: bytes in, an answer out.

No sockets here: the connection feeds what it reads and gets back a `Response` once the
answer is whole, or a `MalformedResponseError` the moment the bytes cannot be a valid answer or
outgrow a cap. A rejected answer may still mean Telegram acted on the request, so the caller
counts it as "maybe sent" and closes the connection, as RFC 9112 section 6.3 asks.

The rules, and where they come from (RFC 9112 unless named):
- status line `HTTP/1.x SP 3DIGIT [SP reason]` (4); HTTP/1.2 and later minor versions are read
  as 1.1 (RFC 9110 6.2); another major version, `2000` or `20` is refused;
- field names are tokens and values hold no control character but HTAB (RFC 9110 5.1, 5.5):
  whitespace before the colon, a bare CR or a NUL is refused; a line may end in a bare LF
  (2.2); an obs-fold is unfolded into one space (5.2) unless it precedes the first field (2.2);
- framing (6.3): no body after 1xx, 204, 304 or a HEAD request; Transfer-Encoding must be
  exactly `chunked` (the only coding we can decode; we never send TE), never with
  Content-Length, never in HTTP/1.0; Content-Length is one field of digits only (no `+22`,
  no `25, 25`); otherwise the body ends when the server closes the connection;
- chunked (7.1): sizes are hex digits only (no `0x16`, `+16`, `-1`), lines end in CRLF,
  chunk data is followed by CRLF, trailer fields follow the rules of header fields.
"""

from __future__ import annotations

import re
from typing import Final

from nudgebot.telegram.http11_fields import check_fields, content_length, section, section_end
from nudgebot.telegram.http11_limits import (
    MAX_BODY,
    MAX_HEAD,
    MAX_LINE,
    IncompleteResponseError,
    MalformedResponseError,
)

__all__ = [
    "MAX_BODY",
    "MAX_HEAD",
    "MAX_LINE",
    "IncompleteResponseError",
    "MalformedResponseError",
    "Response",
    "ResponseParser",
]


_STATUS_LINE: Final = re.compile(rb"HTTP/1\.([0-9]) ([0-9]{3})(?: [\t\x20-\x7e\x80-\xff]*)?")
# The fields that frame the body, found in the lowered section with an LF put before it.
_FRAMING: Final = re.compile(rb"\n(content-length|transfer-encoding|connection):([^\n]*)")
_CHUNK_LINE: Final = re.compile(rb"([0-9A-Fa-f]+)[ \t]*(?:;[\t\x20-\x7e\x80-\xff]*)?")
# A size with more significant hex digits than this is surely over MAX_BODY (0x4000000).
_MAX_HEX_DIGITS: Final = 7
_NO_BODY: Final = frozenset({204, 304})

_HEAD, _LENGTH, _UNTIL_CLOSE, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILERS, _DONE = range(8)


class Response:
    """A whole answer: its status, its body, and whether the connection may carry another."""

    __slots__ = ("body", "keep_alive", "status")

    def __init__(self, status: int, body: bytes, keep_alive: bool) -> None:
        self.status = status
        self.body = body
        self.keep_alive = keep_alive


class ResponseParser:
    """Reads one answer as it arrives; make one per request (HEAD answers have no body)."""

    __slots__ = (
        "_body",
        "_buffer",
        "_head_bytes",
        "_head_request",
        "_keep_alive",
        "_remaining",
        "_state",
        "_status",
    )

    def __init__(self, *, head_request: bool = False) -> None:
        self._buffer = bytearray()
        self._body = bytearray()
        self._state = _HEAD
        self._head_request = head_request
        self._head_bytes = 0
        self._status = 0
        self._keep_alive = False
        self._remaining = 0

    def feed(self, data: bytes) -> Response | None:
        """Take the next bytes; the answer once it is whole, else None (more to come)."""
        if self._state == _DONE:
            raise MalformedResponseError("bytes after the answer")
        self._buffer += data
        while True:
            state = self._state
            if state == _HEAD:
                progressed = self._read_head()
            elif state in (_LENGTH, _CHUNK_DATA):
                progressed = self._read_sized()
            elif state == _CHUNK_SIZE:
                progressed = self._read_chunk_size()
            elif state == _CHUNK_END:
                progressed = self._read_chunk_end()
            elif state == _TRAILERS:
                progressed = self._read_trailers()
            else:
                progressed = self._read_until_close()
            if not progressed:
                return None
            if self._state == _DONE:
                return self._response(bytes(self._body))

    def feed_eof(self) -> Response:
        """The server closed the connection: the answer if that ends it, else raises."""
        if self._state == _UNTIL_CLOSE:
            self._state = _DONE
            self._keep_alive = False
            return self._response(bytes(self._body))
        raise IncompleteResponseError("the connection closed before the answer was whole")

    def _response(self, body: bytes) -> Response:
        # Bytes beyond the answer were not asked for: the connection cannot be trusted.
        return Response(self._status, body, self._keep_alive and not self._buffer)

    def _read_head(self) -> bool:
        buffer = self._buffer
        end, skip = section_end(buffer)
        if end < 0:
            if self._head_bytes + len(buffer) > MAX_HEAD:
                raise MalformedResponseError("the head is over 64 KiB")
            if len(buffer) - buffer.rfind(b"\n") - 1 > MAX_LINE:
                raise MalformedResponseError("a head line is over 8 KiB")
            return False
        self._head_bytes += end + skip
        if self._head_bytes > MAX_HEAD:
            raise MalformedResponseError("the head is over 64 KiB")
        head = section(buffer, end, "a head line is over 8 KiB")
        del buffer[: end + skip]
        status_line, _, fields = head.partition(b"\n")
        match = _STATUS_LINE.fullmatch(status_line.removesuffix(b"\r"))
        if match is None:
            raise MalformedResponseError("not an HTTP/1.x status line")
        status = int(match[2])
        if 100 <= status < 200:
            if status == 101:
                raise MalformedResponseError("a protocol switch nobody asked for")
            check_fields(fields)  # an interim answer: the final one follows
            return True
        self._status = status
        self._frame(match[1] == b"0", check_fields(fields))
        return True

    def _frame(self, http10: bool, fields: bytes) -> None:
        """Decide how the body ends (RFC 9112 section 6.3) from the framing fields."""
        length: int | None = None
        coding: bytes | None = None
        connection = b""
        for name, value in _FRAMING.findall(b"\n" + fields.lower()):
            value = value.strip(b" \t\r")
            if name == b"content-length":
                if length is not None:
                    raise MalformedResponseError("more than one Content-Length")
                length = content_length(value)
            elif name == b"transfer-encoding":
                coding = value if coding is None else coding + b"," + value
            else:
                connection = value if not connection else connection + b"," + value
        if connection:
            tokens = connection.replace(b" ", b"").replace(b"\t", b"").split(b",")
            self._keep_alive = b"keep-alive" in tokens if http10 else b"close" not in tokens
        else:
            self._keep_alive = not http10
        if coding is not None:
            if length is not None:
                raise MalformedResponseError("both Transfer-Encoding and Content-Length")
            if http10:
                raise MalformedResponseError("Transfer-Encoding in an HTTP/1.0 answer")
        if self._status in _NO_BODY or self._head_request:
            self._state = _DONE
        elif coding is not None:
            if coding != b"chunked":
                raise MalformedResponseError("a transfer coding other than chunked")
            self._state = _CHUNK_SIZE
        elif length is not None:
            self._remaining = length
            self._state = _LENGTH if length else _DONE
        else:
            self._keep_alive = False
            self._state = _UNTIL_CLOSE

    def _read_until_close(self) -> bool:
        self._body += self._buffer
        self._buffer.clear()
        if len(self._body) > MAX_BODY:
            raise MalformedResponseError("the body is over 64 MiB")
        return False

    def _read_sized(self) -> bool:
        """Content-Length body or one chunk's data: take what is there, up to what is due."""
        buffer = self._buffer
        remaining = self._remaining
        if len(buffer) < remaining:
            if not buffer:
                return False
            self._body += buffer
            self._remaining -= len(buffer)
            buffer.clear()
            return False
        self._body += buffer[:remaining]
        del buffer[:remaining]
        self._remaining = 0
        self._state = _DONE if self._state == _LENGTH else _CHUNK_END
        return True

    def _read_chunk_size(self) -> bool:
        buffer = self._buffer
        end = buffer.find(b"\n")
        if end < 0:
            if len(buffer) > MAX_LINE:
                raise MalformedResponseError("a chunk-size line is over 8 KiB")
            return False
        if end > MAX_LINE:
            raise MalformedResponseError("a chunk-size line is over 8 KiB")
        match = None
        if end and buffer[end - 1] == 13:  # the line must end in CRLF
            match = _CHUNK_LINE.fullmatch(buffer, 0, end - 1)
        if match is None:
            raise MalformedResponseError("not a chunk-size line")
        digits = match[1].lstrip(b"0")
        if len(digits) > _MAX_HEX_DIGITS:
            raise MalformedResponseError("the body is over 64 MiB")
        size = int(digits, 16) if digits else 0
        if size > MAX_BODY - len(self._body):
            raise MalformedResponseError("the body is over 64 MiB")
        del buffer[: end + 1]
        self._remaining = size
        self._state = _CHUNK_DATA if size else _TRAILERS
        return True

    def _read_chunk_end(self) -> bool:
        buffer = self._buffer
        if len(buffer) < 2:
            if buffer and buffer[0] != 13:
                raise MalformedResponseError("chunk data not followed by CRLF")
            return False
        if buffer[:2] != b"\r\n":
            raise MalformedResponseError("chunk data not followed by CRLF")
        del buffer[:2]
        self._state = _CHUNK_SIZE
        return True

    def _read_trailers(self) -> bool:
        buffer = self._buffer
        if buffer[:2] == b"\r\n" or buffer[:1] == b"\n":  # no trailer fields: the usual end
            del buffer[: 2 if buffer[0] == 13 else 1]
            self._state = _DONE
            return True
        end, skip = section_end(buffer)
        if end < 0:
            if len(buffer) > MAX_HEAD:
                raise MalformedResponseError("the trailers are over 64 KiB")
            if len(buffer) - buffer.rfind(b"\n") - 1 > MAX_LINE:
                raise MalformedResponseError("a trailer line is over 8 KiB")
            return False
        if end + skip > MAX_HEAD:
            raise MalformedResponseError("the trailers are over 64 KiB")
        check_fields(section(buffer, end, "a trailer line is over 8 KiB"), trailers=True)
        del buffer[: end + skip]
        self._state = _DONE
        return True
