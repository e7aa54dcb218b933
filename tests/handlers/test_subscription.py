"""/start, /timezone, /time, /settings, /pause, /resume, /stop and the zone and time buttons."""

from __future__ import annotations

from datetime import UTC, datetime

from nudgebot.domain.humanize import count_days
from tests.handlers.conftest import HandlerBot, texts

ADA = 1


def before_placeholder(bot: HandlerBot, key: str) -> str:
    """A message's text up to its first placeholder: what every variant of it starts with."""
    return bot.content.messages[key].split("{")[0]


async def test_start_welcomes_and_asks_for_the_time_zone_with_buttons(bot: HandlerBot) -> None:
    calls = await bot.say(ADA, "/start")
    assert [call.method for call in calls] == ["sendMessage", "sendMessage"]
    assert calls[0].text.startswith(bot.content.text("welcome", name="Ada"))
    assert calls[1].text == bot.content.text("ask_timezone")
    assert ("Europe/Berlin".replace("_", " "), "tz:Europe/Berlin") in calls[1].buttons


async def test_a_zone_typed_after_start_is_set_and_the_time_is_asked(bot: HandlerBot) -> None:
    await bot.say(ADA, "/start")
    calls = await bot.say(ADA, "berlin")
    assert texts(calls)[0] == bot.content.text(
        "timezone_set", zone="Europe/Berlin", local_time="07:00"
    )
    assert texts(calls)[1] == bot.content.text("ask_time")
    assert ("07:00", "tm:07:00") in calls[1].buttons


async def test_an_unknown_zone_is_answered_without_changing_anything(bot: HandlerBot) -> None:
    await bot.say(ADA, "/start")
    calls = await bot.say(ADA, "/timezone qqqqqqqq")
    assert texts(calls) == [bot.content.text("timezone_unknown", text="qqqqqqqq")]


async def test_a_zone_button_sets_the_zone(bot: HandlerBot) -> None:
    await bot.say(ADA, "/start")
    calls = await bot.press(ADA, "tz:Europe/Berlin")
    assert calls[0].method == "answerCallbackQuery"
    assert bot.content.text("timezone_set", zone="Europe/Berlin", local_time="07:00") in texts(
        calls
    )


async def test_a_forged_zone_button_changes_nothing(bot: HandlerBot) -> None:
    await bot.say(ADA, "/start")
    calls = await bot.press(ADA, "tz:Not/AZone")
    assert [call.method for call in calls] == ["answerCallbackQuery"]


async def test_a_time_sets_the_daily_tip_and_says_when_the_next_comes(bot: HandlerBot) -> None:
    await bot.say(ADA, "/start")
    await bot.say(ADA, "/timezone UTC")
    calls = await bot.say(ADA, "/time 7:30")
    [text] = texts(calls)
    assert text.startswith("All set! Your tip will arrive every day at <b>07:30</b>.")


async def test_a_time_button_sets_the_time(bot: HandlerBot) -> None:
    await bot.say(ADA, "/start")
    calls = await bot.press(ADA, "tm:18:00")
    assert "<b>18:00</b>" in texts(calls)[0]


async def test_a_time_that_is_not_a_time_is_refused(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    calls = await bot.say(ADA, "/time 25:99")
    assert texts(calls) == [bot.content.text("time_invalid", text="25:99")]


async def test_settings_show_zone_time_and_status(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [text] = texts(await bot.say(ADA, "/settings"))
    assert "UTC" in text
    assert "09:00" in text
    assert bot.content.text("status_active") in text


async def test_settings_before_start_ask_to_subscribe_first(bot: HandlerBot) -> None:
    calls = await bot.say(ADA, "/settings")
    assert texts(calls) == [bot.content.text("not_subscribed")]


async def test_pause_for_days_says_until_when(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [text] = texts(await bot.say(ADA, "/pause 3"))
    days = count_days(3, bot.content.wording)
    assert text == bot.content.text("paused_until", date="2026-03-04", days=days)


async def test_pause_with_a_word_instead_of_days_is_refused(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    calls = await bot.say(ADA, "/pause soon")
    assert texts(calls) == [bot.content.text("pause_invalid", text="soon")]


async def test_resume_after_pause_brings_tips_back(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    await bot.say(ADA, "/pause")
    [text] = texts(await bot.say(ADA, "/resume"))
    assert text.startswith(before_placeholder(bot, "resumed"))


async def test_resume_when_active_says_so(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [text] = texts(await bot.say(ADA, "/resume"))
    assert text.startswith(before_placeholder(bot, "already_active"))


async def test_stop_confirms(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.say(ADA, "/stop")) == [bot.content.text("stopped")]


async def test_the_clock_decides_local_times_in_replies(bot: HandlerBot) -> None:
    bot.clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    await bot.say(ADA, "/start")
    [text, _] = texts(await bot.say(ADA, "/timezone Europe/Berlin"))
    assert "13:00" in text
