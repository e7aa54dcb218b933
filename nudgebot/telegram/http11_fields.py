"""Field sections of an HTTP/1.1 answer (head and trailers): where one ends, is it valid.

RFC 9110 5.1 and 5.5, RFC 9112 2.2 and 5.2; the rules are listed in `nudgebot.telegram.http11`.
"""

from __future__ import annotations

import re
from typing import Final

from nudgebot.telegram.http11_limits import MAX_BODY, MAX_LINE, MalformedResponseError

__all__ = ["check_fields", "content_length", "section", "section_end"]

# Each line `token ":" value`, ended by CRLF or a bare LF; a CR anywhere else fails the match.
_FIELD_LINES: Final = re.compile(rb"(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\x80-\xff]*\r?\n)*")
_OBS_FOLD: Final = re.compile(rb"\r?\n[ \t]+")
# A size with more significant digits than this is surely over MAX_BODY (67108864); checked
# before int(), which refuses decimal strings of over 4,300 digits.
_MAX_DECIMAL_DIGITS: Final = 8


def section_end(buffer: bytearray) -> tuple[int, int]:
    """Where the empty line ending a field section starts, and its length with the LF before.

    (-1, 0) while no empty line has arrived. Lines end in CRLF, or in a bare LF (2.2).
    """
    crlf = buffer.find(b"\n\r\n")
    bare = buffer.find(b"\n\n", 0, crlf + 1 if crlf >= 0 else len(buffer))
    if bare >= 0:
        return bare, 2
    return crlf, 3


def section(buffer: bytearray, end: int, too_long: str) -> bytes:
    """The lines before the empty one at `end`, each still ended by its CRLF or bare LF."""
    section = bytes(buffer[: end + 1])
    if len(section) > MAX_LINE:
        for line in section.split(b"\n"):
            if len(line.removesuffix(b"\r")) > MAX_LINE:
                raise MalformedResponseError(too_long)
    return section


def check_fields(fields: bytes, *, trailers: bool = False) -> bytes:
    """The field lines, every one ended by CRLF or LF: checked, and unfolded if folded."""
    if _FIELD_LINES.fullmatch(fields):
        return fields
    # Whitespace before the first field would hide it from other parsers (2.2): refused.
    if fields[:1] not in (b" ", b"\t"):
        unfolded = _OBS_FOLD.sub(b" ", fields)
        if unfolded != fields and _FIELD_LINES.fullmatch(unfolded):
            return unfolded
    raise MalformedResponseError(
        "an invalid trailer line" if trailers else "an invalid header line"
    )


def content_length(value: bytes) -> int:
    """A Content-Length value: ASCII digits only, and at most MAX_BODY."""
    if not value.isdigit():  # ASCII digits only: no sign, no hex, no list
        raise MalformedResponseError("Content-Length is not a number")
    if len(value) > _MAX_DECIMAL_DIGITS and len(value.lstrip(b"0")) > _MAX_DECIMAL_DIGITS:
        raise MalformedResponseError("the body is over 64 MiB")
    length = int(value)
    if length > MAX_BODY:
        raise MalformedResponseError("the body is over 64 MiB")
    return length
