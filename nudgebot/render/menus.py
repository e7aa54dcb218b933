"""Inline keyboards and the callback data they carry (at most 64 bytes each)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from nudgebot.content.languages import Language
from nudgebot.content.model import Faq
from nudgebot.domain.timeparse import format_send_time

ZONE_PREFIX = "tz:"
TIME_PREFIX = "tm:"
FAQ_PREFIX = "faq:"
FORGET_PREFIX = "fg:"
FORGET_YES = FORGET_PREFIX + "yes"
FORGET_NO = FORGET_PREFIX + "no"
LANGUAGE_PREFIX = "lang:"
COMMON_TIMES = (time(7), time(8), time(9), time(12), time(18), time(21))


def _rows(buttons: Sequence[InlineKeyboardButton], per_row: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    )


def zone_keyboard(zones: Sequence[str]) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(zone.replace("_", " "), callback_data=ZONE_PREFIX + zone)
            for zone in zones
        ],
        per_row=2,
    )


def time_keyboard() -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(
                format_send_time(t), callback_data=TIME_PREFIX + format_send_time(t)
            )
            for t in COMMON_TIMES
        ],
        per_row=3,
    )


def faq_keyboard(faqs: Sequence[Faq]) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(
                f"{faq.number}. {faq.label}", callback_data=f"{FAQ_PREFIX}{faq.number}"
            )
            for faq in faqs
        ],
        per_row=1,
    )


def forget_keyboard(yes: str, no: str) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(yes, callback_data=FORGET_YES),
            InlineKeyboardButton(no, callback_data=FORGET_NO),
        ],
        per_row=1,
    )


def language_keyboard(languages: Sequence[Language]) -> InlineKeyboardMarkup:
    """One button per language, in its own name: a reader finds their language at a glance."""
    return _rows(
        [
            InlineKeyboardButton(
                language.native_name, callback_data=LANGUAGE_PREFIX + language.code
            )
            for language in languages
        ],
        per_row=2,
    )
