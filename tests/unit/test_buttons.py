"""Every check-in, snooze, focus and undo button fits Telegram's 64-byte callback data."""

from nudgebot.content.model import Content
from nudgebot.domain.snooze import SnoozeChoice
from nudgebot.render.callbacks import MAX_CALLBACK_BYTES, Prefix, callback, pattern, payload
from nudgebot.render.keyboards import (
    as_buttons,
    checkin_pairs,
    focus_keyboard,
    focus_pairs,
    snooze_keyboard,
    tip_buttons,
    undo_keyboard,
)

BIG_ID = 2**63 - 1  # the largest id either database hands out


def test_tip_and_focus_buttons_fit_in_64_bytes(content: Content) -> None:
    rows = as_buttons(
        checkin_pairs(content, BIG_ID, snooze=True)
        + focus_pairs(content, BIG_ID, sorted(content.tip_ids, key=len)[-2:])
    )
    rows += snooze_keyboard(content, BIG_ID, list(SnoozeChoice)).inline_keyboard
    rows += undo_keyboard(content, BIG_ID).inline_keyboard
    data = [button.callback_data for row in rows for button in row]
    data += [f"sz:{BIG_ID}:{choice.value}" for choice in SnoozeChoice]
    data.append(f"undo:{BIG_ID}")
    assert all(isinstance(d, str) and len(d.encode()) <= MAX_CALLBACK_BYTES for d in data)


def test_the_focus_picker_fits_in_64_bytes_with_two_picked(content: Content) -> None:
    keyboard = focus_keyboard(content, (11, 12))
    data = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert all(isinstance(d, str) and len(d.encode()) <= 64 for d in data)


def test_the_tip_keyboard_keeps_done_and_not_today_first(content: Content) -> None:
    first_row = tip_buttons(content, 1)[0]
    assert [label for label, _ in first_row] == [
        content.text("button_done"),
        content.text("button_not_today"),
    ]


def test_the_focus_button_for_the_tip_itself_is_left_out(content: Content) -> None:
    rows = as_buttons(focus_pairs(content, 1, ["fiber", "sleep"], skip="fiber"))
    assert [row[0].callback_data for row in rows] == ["fc:1:sleep"]


def test_callback_data_is_the_prefix_and_its_parts_joined_by_colons() -> None:
    assert callback(Prefix.SNOOZE, 7, "1h") == "sz:7:1h"
    assert callback(Prefix.ZONE, "Europe/Berlin") == "tz:Europe/Berlin"


def test_a_prefix_pattern_matches_only_its_own_buttons() -> None:
    assert payload(Prefix.FOCUS, "fo:1,2:save") == "1,2:save"
    assert payload(Prefix.FOCUS, "fc:1:fiber") == ""
    assert pattern(Prefix.FAQ) == "^faq:"


def test_every_prefix_is_unique_and_none_is_the_start_of_another() -> None:
    prefixes = [prefix.value for prefix in Prefix]
    assert len(set(prefixes)) == len(prefixes)
    assert not [a for a in prefixes for b in prefixes if a != b and (b + ":").startswith(a + ":")]
