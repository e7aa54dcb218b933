"""Check-in buttons under tips and reminders, and the callback data they carry (<= 64 bytes)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from nudgebot.content.model import Content
from nudgebot.domain.replies import Outcome

CHECKIN_PREFIX = "ci"  # ci:<delivery_id>:<outcome>
SNOOZE_PREFIX = "sz"  # sz:<delivery_id> asks when; sz:<delivery_id>:<choice> sets it
FOCUS_LOG_PREFIX = "fc"  # fc:<delivery_id>:<tip_id> logs a focus habit on that delivery's day
UNDO_PREFIX = "undo"  # undo:<note_id> removes the check-ins one note logged


def checkin_callback(delivery_id: int, outcome: Outcome) -> str:
    """Callback data of a tip button: short, and it names the delivery it belongs to."""
    return f"{CHECKIN_PREFIX}:{delivery_id}:{outcome.value}"


# A button as plain data, (label, callback data): the delivery engine serialises these straight
# to JSON for every tip, without building Telegram objects.
Pair = tuple[str, str]


def as_buttons(rows: Sequence[Sequence[Pair]]) -> list[list[InlineKeyboardButton]]:
    return [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows
    ]


def checkin_pairs(content: Content, delivery_id: int, *, snooze: bool) -> list[list[Pair]]:
    """Done and Not today first (the everyday answers), then Partly and, on a tip, Snooze."""

    def pair(key: str, outcome: Outcome) -> Pair:
        return content.text(key), checkin_callback(delivery_id, outcome)

    second = [pair("button_partly", Outcome.PARTLY)]
    if snooze:
        second.append((content.text("button_snooze"), f"{SNOOZE_PREFIX}:{delivery_id}"))
    return [
        [pair("button_done", Outcome.DONE), pair("button_not_today", Outcome.SKIPPED)],
        second,
    ]


def focus_pairs(
    content: Content, delivery_id: int, focus: Sequence[str], *, skip: str | None = None
) -> list[list[Pair]]:
    """One one-tap button per focus habit ("✅ Water"); `skip` is the tip already above them."""
    return [
        [
            (
                content.text("button_focus_done", habit=content.tip(tip_id).label),
                f"{FOCUS_LOG_PREFIX}:{delivery_id}:{tip_id}",
            )
        ]
        for tip_id in focus
        if tip_id != skip and tip_id in content.tip_ids
    ]


def checkin_rows(
    content: Content, delivery_id: int, *, snooze: bool
) -> list[list[InlineKeyboardButton]]:
    return as_buttons(checkin_pairs(content, delivery_id, snooze=snooze))


def focus_rows(
    content: Content, delivery_id: int, focus: Sequence[str], *, skip: str | None = None
) -> list[list[InlineKeyboardButton]]:
    return as_buttons(focus_pairs(content, delivery_id, focus, skip=skip))
