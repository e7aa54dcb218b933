"""Bad input a user can send: a kind, clear answer, never a traceback or an ERROR log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from nudgebot.handlers.context import MAX_ECHO
from tests.handlers.conftest import HandlerBot, texts

ADA = 1
SUPERSCRIPT_TWO = "²"  # str.isdigit() says True, int() refuses it
LONG = "Europe/" + "x" * 3993  # 4,000 characters


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """The ERROR records logged during the test (the list fills as they come)."""
    with caplog.at_level(logging.INFO):
        yield caplog.records
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("command", "key"),
    [("/pause", "pause_invalid"), ("/tip", "tip_number_invalid"), ("/faq", "faq_number_invalid")],
)
async def test_a_superscript_number_is_refused_kindly(
    bot: HandlerBot, errors: list[logging.LogRecord], command: str, key: str
) -> None:
    await bot.subscribe(ADA)
    calls = await bot.say(ADA, f"{command} {SUPERSCRIPT_TWO}")
    assert texts(calls) == [bot.content.text(key, text=SUPERSCRIPT_TWO)]


@pytest.mark.parametrize(
    "data", [f"undo:{SUPERSCRIPT_TWO}", f"faq:{SUPERSCRIPT_TWO}", f"ci:{SUPERSCRIPT_TWO}:done"]
)
async def test_a_superscript_in_button_data_is_answered_and_ignored(
    bot: HandlerBot, errors: list[logging.LogRecord], data: str
) -> None:
    await bot.subscribe(ADA)
    assert [call.method for call in await bot.press(ADA, data)] == ["answerCallbackQuery"]


@pytest.mark.parametrize("data", [f"sz:{SUPERSCRIPT_TWO}", f"fc:{SUPERSCRIPT_TWO}:sleep"])
async def test_a_superscript_in_snooze_or_focus_log_data_is_answered_and_ignored(
    bot: HandlerBot, errors: list[logging.LogRecord], data: str
) -> None:
    await bot.subscribe(ADA)
    assert [call.method for call in await bot.press(ADA, data)] == ["answerCallbackQuery"]


async def test_a_forged_focus_save_naming_one_habit_twice_saves_it_once(
    bot: HandlerBot, errors: list[logging.LogRecord]
) -> None:
    await bot.subscribe(ADA)
    calls = await bot.press(ADA, "fo:1,1:save")
    label = bot.content.tips[0].label
    assert texts(calls) == [bot.content.text("focus_saved", habits=label)]


@pytest.mark.parametrize(
    ("command", "key"),
    [("/timezone", "timezone_unknown"), ("/time", "time_invalid")],
)
async def test_a_4000_character_argument_is_quoted_short(
    bot: HandlerBot, errors: list[logging.LogRecord], command: str, key: str
) -> None:
    await bot.subscribe(ADA)
    [text] = texts(await bot.say(ADA, f"{command} {LONG}"))
    assert text == bot.content.text(key, text=LONG[:MAX_ECHO] + "…")
    assert len(text) < 4096


async def test_a_4000_character_language_is_quoted_short(
    bot: HandlerBot, errors: list[logging.LogRecord]
) -> None:
    [text] = texts(await bot.say(ADA, f"/language {LONG}"))
    assert LONG[:MAX_ECHO] + "…" in text
    assert len(text) < 4096
