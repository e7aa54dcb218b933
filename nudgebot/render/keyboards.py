"""Every inline keyboard the bot shows, built from content and the one registry of callbacks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from nudgebot.content.languages import Language
from nudgebot.content.model import Content, Faq
from nudgebot.domain.replies import Outcome
from nudgebot.domain.snooze import SnoozeChoice
from nudgebot.domain.timeparse import format_send_time
from nudgebot.render.callbacks import Prefix, callback

COMMON_TIMES = (time(7), time(8), time(9), time(12), time(18), time(21))
FORGET_YES = callback(Prefix.FORGET, "yes")
FORGET_NO = callback(Prefix.FORGET, "no")
FOCUS_SAVE = "save"

# A button as plain data, (label, callback data): the delivery engine serialises these straight
# to JSON for every tip, without building Telegram objects.
Pair = tuple[str, str]


def as_buttons(rows: Sequence[Sequence[Pair]]) -> list[list[InlineKeyboardButton]]:
    return [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows
    ]


def keyboard_json(rows: Sequence[Sequence[Pair]]) -> dict[str, object]:
    """The Bot API's InlineKeyboardMarkup as plain JSON: no objects built per message."""
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


def _rows(pairs: Sequence[Pair], per_row: int) -> InlineKeyboardMarkup:
    buttons = as_buttons([pairs])[0]
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


# --- Under a tip or a reminder -------------------------------------------------------------


def checkin_callback(delivery_id: int, outcome: Outcome) -> str:
    """Callback data of a tip button: short, and it names the delivery it belongs to."""
    return callback(Prefix.CHECKIN, delivery_id, outcome.value)


def checkin_pairs(content: Content, delivery_id: int, *, snooze: bool) -> list[list[Pair]]:
    """Done and Not today first (the everyday answers), then Partly and, on a tip, Snooze."""

    def pair(key: str, outcome: Outcome) -> Pair:
        return content.text(key), checkin_callback(delivery_id, outcome)

    second = [pair("button_partly", Outcome.PARTLY)]
    if snooze:
        second.append((content.text("button_snooze"), callback(Prefix.SNOOZE, delivery_id)))
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
                callback(Prefix.FOCUS_LOG, delivery_id, tip_id),
            )
        ]
        for tip_id in focus
        if tip_id != skip and tip_id in content.tip_ids
    ]


def tip_buttons(
    content: Content, delivery_id: int, focus: Sequence[str] = (), tip_id: str | None = None
) -> list[list[Pair]]:
    """The tip's check-in buttons, then one-tap buttons for the subscriber's focus habits."""
    return checkin_pairs(content, delivery_id, snooze=True) + focus_pairs(
        content, delivery_id, focus, skip=tip_id
    )


def snooze_keyboard(
    content: Content, delivery_id: int, choices: Sequence[SnoozeChoice]
) -> InlineKeyboardMarkup:
    """1 h, 3 h, this evening: whichever still land on the tip's own day."""
    return _rows(
        [
            (content.text(f"snooze_{choice.value}"), callback(Prefix.SNOOZE, delivery_id, choice))
            for choice in choices
        ],
        per_row=len(choices) or 1,
    )


def undo_keyboard(content: Content, note_id: int) -> InlineKeyboardMarkup:
    """Under the answer to a note: take back the check-ins it logged."""
    return _rows([(content.text("button_undo"), callback(Prefix.UNDO, note_id))], per_row=1)


# --- Menus: questions the bot asks -----------------------------------------------------------


def zone_keyboard(zones: Sequence[str]) -> InlineKeyboardMarkup:
    return _rows([(zone.replace("_", " "), callback(Prefix.ZONE, zone)) for zone in zones], 2)


def time_keyboard() -> InlineKeyboardMarkup:
    labels = [format_send_time(t) for t in COMMON_TIMES]
    return _rows([(label, callback(Prefix.TIME, label)) for label in labels], per_row=3)


def faq_keyboard(faqs: Sequence[Faq]) -> InlineKeyboardMarkup:
    return _rows(
        [(f"{faq.number}. {faq.label}", callback(Prefix.FAQ, faq.number)) for faq in faqs],
        per_row=1,
    )


def forget_keyboard(yes: str, no: str) -> InlineKeyboardMarkup:
    return _rows([(yes, FORGET_YES), (no, FORGET_NO)], per_row=1)


def language_keyboard(languages: Sequence[Language]) -> InlineKeyboardMarkup:
    """One button per language, in its own name: a reader finds their language at a glance."""
    return _rows(
        [
            (language.native_name, callback(Prefix.LANGUAGE, language.code))
            for language in languages
        ],
        per_row=2,
    )


def focus_keyboard(content: Content, picked: tuple[int, ...]) -> InlineKeyboardMarkup:
    """The 12 habits as toggles; each button's data is the selection after pressing it."""

    def data(numbers: tuple[int, ...], *suffix: str) -> str:
        return callback(Prefix.FOCUS, ",".join(map(str, sorted(numbers))), *suffix)

    buttons = []
    for tip in content.tips:
        on = tip.number in picked
        after = tuple(n for n in picked if n != tip.number) if on else (*picked, tip.number)
        buttons.append(
            InlineKeyboardButton(("☑️ " if on else "") + tip.label, callback_data=data(after))
        )
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [InlineKeyboardButton(content.text("focus_save"), callback_data=data(picked, FOCUS_SAVE))]
    )
    return InlineKeyboardMarkup(rows)
