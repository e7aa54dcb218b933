"""Snooze, /focus, /summary, /language, /export and /forget, each with what can go wrong."""

from __future__ import annotations

import pytest

from nudgebot.domain.snooze import SnoozeChoice
from tests.handlers.conftest import HandlerBot, texts
from tests.handlers.test_checkins import ADA, data_of, tip_of_today


async def test_snooze_offers_the_choices_left_today(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    calls = await bot.press(ADA, data_of(tip, bot.content.text("button_snooze")))
    [question] = [call for call in calls if call.method == "sendMessage"]
    assert question.text == bot.content.text("snooze_ask")
    assert [label for label, _ in question.buttons] == [
        bot.content.text(f"snooze_{choice.value}") for choice in SnoozeChoice
    ]


async def test_a_snooze_choice_turns_the_question_into_the_answer(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    delivery_id = data_of(tip, bot.content.text("button_snooze")).split(":")[1]
    calls = await bot.press(ADA, f"sz:{delivery_id}:1h")
    [edit] = [call for call in calls if call.method == "editMessageText"]
    assert edit.text == bot.content.text("snooze_set", time="10:00")


async def test_snoozing_a_tip_already_logged_is_refused_kindly(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    await bot.press(ADA, data_of(tip, bot.content.text("button_done")))
    calls = await bot.press(ADA, data_of(tip, bot.content.text("button_snooze")))
    assert texts(calls) == [bot.content.text("snooze_already_logged")]


async def test_forged_snooze_data_is_answered_and_ignored(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    for data in ("sz:abc", "sz:1:2:3", "sz:1:never"):
        assert [call.method for call in await bot.press(ADA, data)] == ["answerCallbackQuery"]


async def test_focus_shows_the_habits_as_toggles_with_save(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [call] = await bot.say(ADA, "/focus")
    assert call.text == bot.content.text("focus_ask", current=bot.content.text("focus_none"))
    assert call.buttons[-1] == (bot.content.text("focus_save"), "fo::save")


async def test_a_focus_toggle_redraws_the_keyboard(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    calls = await bot.press(ADA, "fo:5")
    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert ("☑️ " + bot.content.tips[4].label, "fo:") in calls[1].buttons


async def test_saving_the_focus_confirms_the_habits(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    calls = await bot.press(ADA, "fo:5:save")
    label = bot.content.tips[4].label
    assert texts(calls) == [bot.content.text("focus_saved", habits=label)]


async def test_a_third_focus_habit_is_refused_with_an_alert(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [answer] = await bot.press(ADA, "fo:1,2,3")
    assert answer.params["text"] == bot.content.text("focus_too_many")
    assert answer.params["show_alert"] is True


async def test_focus_off_clears_it(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.say(ADA, "/focus off")) == [bot.content.text("focus_cleared")]


async def test_summary_shows_when_the_weekly_picture_comes(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [text] = texts(await bot.say(ADA, "/summary"))
    assert text.startswith(bot.content.messages["summary_status_on"].split("{")[0])
    assert "18:00" in text


async def test_summary_off_turns_it_off(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.say(ADA, "/summary off")) == [bot.content.text("summary_turned_off")]


async def test_summary_with_words_it_does_not_know_says_so(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.say(ADA, "/summary sometimes")) == [
        bot.content.text("summary_invalid", text="sometimes")
    ]


async def test_language_offers_each_language_in_its_own_name(bot: HandlerBot) -> None:
    [call] = await bot.say(ADA, "/language")
    assert ("Deutsch", "lang:de") in call.buttons


async def test_language_de_answers_in_german_from_then_on(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    german = bot.content.for_language("de")
    assert texts(await bot.say(ADA, "/language de")) == [
        german.text("language_set", language="Deutsch")
    ]
    assert texts(await bot.say(ADA, "/help")) == [german.text("help")]


async def test_a_language_button_switches(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    german = bot.content.for_language("de")
    assert texts(await bot.press(ADA, "lang:de")) == [
        german.text("language_set", language="Deutsch")
    ]


async def test_a_language_the_bot_does_not_speak_is_named_with_the_choices(
    bot: HandlerBot,
) -> None:
    await bot.subscribe(ADA)
    [text] = texts(await bot.say(ADA, "/language klingon"))
    assert text.startswith(bot.content.messages["language_unknown"].split("{")[0])
    assert "Deutsch (de)" in text


async def test_export_sends_the_data_as_two_files(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    calls = await bot.say(ADA, "/export")
    assert [call.method for call in calls] == ["sendDocument", "sendDocument"]
    assert [call.params["caption"] for call in calls] == [
        bot.content.text("export_caption"),
        bot.content.text("export_csv_caption"),
    ]


async def test_forget_asks_first(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [call] = await bot.say(ADA, "/forget")
    assert call.text == bot.content.text("forget_confirm")
    assert [data for _, data in call.buttons] == ["fg:yes", "fg:no"]


async def test_forget_no_keeps_everything(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.press(ADA, "fg:no")) == [bot.content.text("forget_kept")]
    assert "UTC" in texts(await bot.say(ADA, "/settings"))[0]


async def test_forget_yes_erases_the_subscriber(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.press(ADA, "fg:yes")) == [bot.content.text("forget_done")]
    assert texts(await bot.say(ADA, "/settings")) == [bot.content.text("not_subscribed")]


async def test_a_crisis_message_gets_the_crisis_reply_and_nothing_else(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [text] = texts(await bot.say(ADA, "I want to kill myself"))
    assert text == bot.content.safety.render(None)


async def test_a_failing_reply_is_logged_once_and_the_user_hears_a_kind_word(
    bot: HandlerBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.request.fail_next("sendMessage", 400, "Bad Request: boom")
    calls = await bot.say(ADA, "/help")
    assert texts(calls) == [bot.content.text("help"), bot.content.text("error_generic")]
    [error] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert error.endswith("failed: BadRequest")
