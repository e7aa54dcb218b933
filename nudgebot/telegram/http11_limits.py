"""The caps on every part of an HTTP/1.1 answer, and the errors of an answer refused."""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_BODY", "MAX_HEAD", "MAX_LINE", "IncompleteResponseError", "MalformedResponseError"]

# Lines as long as aiohttp allows (8190 bytes), rounded; head and body far above any Bot API
# answer (a head of a few hundred bytes, a body of about a MiB at most, for a full getUpdates).
MAX_HEAD: Final = 64 * 1024  # status lines and fields, interim answers included; also trailers
MAX_LINE: Final = 8 * 1024  # one field line, chunk-size line or trailer line
MAX_BODY: Final = 64 * 1024 * 1024  # the body, whatever its framing


class MalformedResponseError(ValueError):
    """The bytes are not a valid HTTP/1.1 answer, or one part of it outgrew its cap."""


class IncompleteResponseError(MalformedResponseError):
    """The connection ended before the answer was whole."""
