"""Reading a send time as people type it ('7am', '19:30', '7h30') and writing it back as HH:MM."""

import re
from datetime import time

_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}

_CLOCK = re.compile(
    r"""
    (?P<hour>[0-9]{1,2})
    (?: (?:[:.h]|\s) (?P<minute>[0-9]{2}) )?   # 7:30, 7.30, 7h30, 7 30
    h?                                         # 19h
    \s*
    (?P<half>[ap])?                            # am / pm, once dots and the m are removed
    """,
    re.VERBOSE | re.ASCII,
)
_COMPACT = re.compile(r"(?P<hour>[0-9]{1,2})(?P<minute>[0-9]{2})\s*(?P<half>[ap])?", re.ASCII)
_MERIDIEM = re.compile(r"([ap])\.?\s*m\.?$")


def _normalise(text: str) -> str:
    cleaned = " ".join(text.strip().lower().split())
    # 'p.m.', 'pm', 'p m' all become a bare 'p' so one pattern handles every spelling.
    return _MERIDIEM.sub(r"\1", cleaned).strip()


def _build(hour: int, minute: int, half: str | None) -> time | None:
    if not 0 <= minute <= 59:
        return None
    if half is None:
        return time(hour, minute) if 0 <= hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    hour %= 12
    return time(hour + 12 if half == "p" else hour, minute)


def parse_send_time(text: str) -> time | None:
    """Return the time of day typed in `text`, or None when it is not a valid time."""
    cleaned = _normalise(text)
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    for pattern in (_CLOCK, _COMPACT):
        found = pattern.fullmatch(cleaned)
        if found:
            minute = found["minute"]
            return _build(int(found["hour"]), int(minute) if minute else 0, found["half"])
    return None


def to_the_minute(value: time) -> time:
    """A local time of day as the bot keeps it: hours and minutes, no seconds, no zone."""
    return time(value.hour, value.minute)


def format_send_time(t: time) -> str:
    """Return `t` as zero-padded 24-hour 'HH:MM'."""
    return f"{t.hour:02d}:{t.minute:02d}"
