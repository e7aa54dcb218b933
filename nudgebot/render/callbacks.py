"""Every button's callback data: one registry of prefixes, `prefix:part:part` within 64 bytes."""

from __future__ import annotations

from enum import StrEnum

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data


class Prefix(StrEnum):
    """The first part of a button's callback data: which handler it belongs to."""

    CHECKIN = "ci"  # ci:<delivery_id>:<outcome>
    SNOOZE = "sz"  # sz:<delivery_id> asks when; sz:<delivery_id>:<choice> sets it
    FOCUS_LOG = "fc"  # fc:<delivery_id>:<tip_id> logs a focus habit on that delivery's day
    UNDO = "undo"  # undo:<note_id> removes the check-ins one note logged
    FOCUS = "fo"  # fo:<picked tip numbers, comma-separated>[:save]
    ZONE = "tz"  # tz:<IANA zone>
    TIME = "tm"  # tm:<HH:MM>
    FAQ = "faq"  # faq:<number>
    FORGET = "fg"  # fg:yes or fg:no
    LANGUAGE = "lang"  # lang:<code>


SEPARATOR = ":"


def callback(prefix: Prefix, *parts: object) -> str:
    """The callback data for a button: the prefix and its parts, joined by colons."""
    return SEPARATOR.join((prefix.value, *(str(part) for part in parts)))


def pattern(prefix: Prefix) -> str:
    """The regular expression a CallbackQueryHandler matches this prefix's buttons with."""
    return rf"^{prefix.value}{SEPARATOR}"


def payload(prefix: Prefix, data: str) -> str:
    """What follows the prefix and its colon ('' when the data is not this prefix's)."""
    head = prefix.value + SEPARATOR
    return data[len(head) :] if data.startswith(head) else ""
