"""The crisis check on every text, its reply retried until Telegram takes it, quiet days, /sos."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from nudgebot.domain.humanize import count_days
from nudgebot.handlers import safety
from tests.handlers.conftest import HandlerBot, texts
from tests.handlers.test_checkins import data_of, tip_of_today
from tests.handlers.updates import message

ADA = 1
CRISIS = "I want to die"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between retries of a crisis reply, recorded instead of slept."""
    recorded: list[float] = []

    async def record(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(safety, "_sleep", record)
    return recorded


async def notes_of(bot: HandlerBot, chat_id: int) -> list[object]:
    """The notes stored for chat_id, as /export would give them."""
    export = await bot.app.bot_data.services.data_rights.export(chat_id)
    return list(json.loads(export.json_document)["tables"].get("notes", []))


async def test_a_command_with_crisis_words_gets_the_crisis_reply_and_nothing_else(
    bot: HandlerBot,
) -> None:
    await bot.subscribe(ADA)
    calls = await bot.say(ADA, f"/log {CRISIS}")
    assert texts(calls) == [bot.content.safety.render(None)]


async def test_a_caption_with_crisis_words_gets_the_crisis_reply(bot: HandlerBot) -> None:
    photo = {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}
    calls = await bot.send(
        message(bot.app.bot, ADA, None, extra={**photo, "caption": "no reason to live"})
    )
    assert texts(calls) == [bot.content.safety.render(None)]


async def test_the_crisis_reply_says_how_to_keep_safe_help_another_and_get_the_numbers_again(
    bot: HandlerBot,
) -> None:
    [text] = texts(await bot.say(ADA, CRISIS))
    safety_content = bot.content.safety
    for line in (safety_content.keep_safe, safety_content.someone_else, safety_content.again):
        assert line in text
    assert "/sos" in text


async def test_a_crisis_reply_refused_with_500_is_retried_until_sent(
    bot: HandlerBot, waits: list[float]
) -> None:
    await bot.subscribe(ADA)
    bot.request.fail_next("sendMessage", 500, "Internal Server Error", times=2)
    calls = await bot.say(ADA, CRISIS)
    assert texts(calls) == [bot.content.safety.render(None)] * 3
    assert waits == [2.0, 6.0]
    assert await notes_of(bot, ADA) == []


async def test_a_flood_limited_crisis_reply_waits_as_long_as_telegram_asks(
    bot: HandlerBot, waits: list[float]
) -> None:
    bot.request.fail_next("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5)
    calls = await bot.say(ADA, CRISIS)
    assert texts(calls) == [bot.content.safety.render(None)] * 2
    assert waits == [5.0]


async def test_a_crisis_reply_that_never_goes_through_is_tried_four_times_and_stops_there(
    bot: HandlerBot, waits: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    await bot.subscribe(ADA)
    bot.request.fail_next("sendMessage", 502, "Bad Gateway", times=10)
    with caplog.at_level(logging.INFO):
        calls = await bot.say(ADA, f"had kimchi but {CRISIS}")
    assert texts(calls) == [bot.content.safety.render(None)] * 4
    assert waits == [2.0, 6.0, 12.0]
    assert await notes_of(bot, ADA) == []
    assert "crisis reply could not be sent" in caplog.text
    assert "kimchi" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_crisis_reply_blocked_by_the_user_is_not_retried_and_still_stops_the_message(
    bot: HandlerBot, waits: list[float]
) -> None:
    await bot.subscribe(ADA)
    bot.request.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    calls = await bot.say(ADA, CRISIS)
    assert texts(calls) == [bot.content.safety.render(None)]
    assert waits == []
    assert await notes_of(bot, ADA) == []


async def test_after_a_crisis_reply_a_done_button_gets_no_streak_talk(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    await bot.say(ADA, CRISIS)
    calls = await bot.press(ADA, data_of(tip, bot.content.text("button_done")))
    assert texts(calls) == [bot.content.text("checkin_quiet")]


async def test_after_a_crisis_reply_a_check_in_note_gets_no_streak_talk(bot: HandlerBot) -> None:
    await tip_of_today(bot)
    await bot.say(ADA, CRISIS)
    calls = await bot.say(ADA, "did it")
    assert texts(calls) == [bot.content.text("checkin_quiet")]


async def test_the_next_local_day_brings_the_streak_talk_back(bot: HandlerBot) -> None:
    await tip_of_today(bot)
    await bot.say(ADA, CRISIS)
    bot.clock.advance(timedelta(days=1))
    [tip] = await bot.deliver()
    calls = await bot.press(ADA, data_of(tip, bot.content.text("button_done")))
    one = count_days(1, bot.content.wording)
    assert texts(calls) == [bot.content.text("checkin_done", streak=one, best=one)]


async def test_sos_shows_the_lines_to_someone_who_never_subscribed(bot: HandlerBot) -> None:
    assert texts(await bot.say(7, "/sos")) == [bot.content.safety.render_sos(None)]


async def test_sos_shows_the_lines_of_the_subscribers_country(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    await bot.say(ADA, "/timezone Europe/Berlin")
    [text] = texts(await bot.say(ADA, "/sos"))
    assert text == bot.content.safety.render_sos("DE")
    assert "0800 111 0 111" in text


async def test_sos_answers_in_the_language_telegram_reports(bot: HandlerBot) -> None:
    german = bot.content.for_language("de").safety
    assert texts(await bot.say(7, "/sos", language="de")) == [german.render_sos(None)]


async def test_help_names_sos(bot: HandlerBot) -> None:
    [text] = texts(await bot.say(ADA, "/help"))
    assert "/sos" in text


async def weekly_summary(bot: HandlerBot, *, crisis_first: bool) -> str:
    """Ada's first weekly summary (Sunday 18:00 UTC); the crisis message, if any, an hour before."""
    await bot.subscribe(ADA)
    bot.clock.set(datetime(2026, 3, 8, 17, 0, tzinfo=UTC))
    await bot.deliver()  # whatever was due before (the day's tip) goes first
    if crisis_first:
        await bot.say(ADA, CRISIS)
    bot.clock.set(datetime(2026, 3, 8, 18, 0, tzinfo=UTC))
    [photo] = [call for call in await bot.deliver() if call.method == "sendPhoto"]
    return photo.text


async def test_a_summary_on_the_day_of_a_crisis_reply_has_no_encouragement_line(
    bot: HandlerBot,
) -> None:
    caption = await weekly_summary(bot, crisis_first=True)
    assert caption.startswith(bot.content.text("summary_intro") + "\n\n")
    lines = [key for key in bot.content.messages if key.startswith("summary_line_")]
    assert not [key for key in lines if bot.content.messages[key].split("{")[0] in caption]


async def test_a_summary_on_an_ordinary_day_keeps_its_line(bot: HandlerBot) -> None:
    caption = await weekly_summary(bot, crisis_first=False)
    assert bot.content.text("summary_line_quiet") in caption
