"""Reading HTTP/1.1 requests off a test server's buffer, as the tests' raw servers do."""

from __future__ import annotations


def take_request(buffer: bytes) -> tuple[bytes, bytes] | None:
    """The head of the first complete request (its body read by Content-Length) and what
    follows it; None while the buffer holds no complete request."""
    head, sep, rest = buffer.partition(b"\r\n\r\n")
    if not sep:
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if len(rest) < length:
        return None
    return head, rest[length:]
