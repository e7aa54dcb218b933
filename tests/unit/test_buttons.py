"""Every check-in, snooze, focus and undo button fits Telegram's 64-byte callback data."""

from nudgebot.content.model import Content
from nudgebot.delivery.engine import tip_keyboard
from nudgebot.domain.snooze import SnoozeChoice
from nudgebot.handlers.focus import focus_keyboard
from nudgebot.render.keyboards import UNDO_PREFIX, checkin_rows, focus_rows

BIG_ID = 2**63 - 1  # the largest id either database hands out


def test_tip_and_focus_buttons_fit_in_64_bytes(content: Content) -> None:
    rows = checkin_rows(content, BIG_ID, snooze=True) + focus_rows(
        content, BIG_ID, sorted(content.tip_ids, key=len)[-2:]
    )
    data = [button.callback_data for row in rows for button in row]
    data += [f"sz:{BIG_ID}:{choice.value}" for choice in SnoozeChoice]
    data.append(f"{UNDO_PREFIX}:{BIG_ID}")
    assert all(isinstance(d, str) and len(d.encode()) <= 64 for d in data)


def test_the_focus_picker_fits_in_64_bytes_with_two_picked(content: Content) -> None:
    keyboard = focus_keyboard(content, (11, 12))
    data = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert all(isinstance(d, str) and len(d.encode()) <= 64 for d in data)


def test_the_tip_keyboard_keeps_done_and_not_today_first(content: Content) -> None:
    first_row = tip_keyboard(content, 1).inline_keyboard[0]
    assert [b.text for b in first_row] == [
        content.text("button_done"),
        content.text("button_not_today"),
    ]


def test_the_focus_button_for_the_tip_itself_is_left_out(content: Content) -> None:
    rows = focus_rows(content, 1, ["fiber", "sleep"], skip="fiber")
    assert [row[0].callback_data for row in rows] == ["fc:1:sleep"]
