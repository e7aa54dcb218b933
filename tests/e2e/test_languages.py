"""Languages end to end: Telegram's language picks the default, /language changes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nudgebot.content.loader import load_content
from nudgebot.content.telegram_html import visible_text as visible
from tests.e2e.harness import Bot
from tests.e2e.test_forgiving_checkins import snooze
from tests.e2e.test_subscriber_journey import BERLIN_0730, answers, receive_tip, subscribe

# Sunday 8 March 2026, 18:00 in Berlin (still winter time): the first weekly summary.
SUNDAY_18_BERLIN = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)

GERMAN = load_content().for_language("de")
ENGLISH = load_content()


@pytest.mark.parametrize("telegram_language", ["de", "de-AT"])
async def test_a_german_telegram_user_is_welcomed_in_german(
    bot: Bot, telegram_language: str
) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code=telegram_language)
    welcome, question = await answers(bot, anna, "/start", count=2)
    assert welcome.text.startswith("Hallo Anna")
    assert "Zeitzone" in question.text


async def test_the_next_tip_is_described_in_german_words(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna)  # at 07:00 in Berlin, for 07:30
    confirmation = anna.inbox()[-1].text
    assert confirmation.endswith("Der nächste: heute um 07:30 (Europe/Berlin), in 30 Min.")


async def test_a_language_the_bot_does_not_speak_falls_back_to_english(bot: Bot) -> None:
    jean = bot.fake.user(1, first_name="Jean", language_code="fr")
    welcome, _ = await answers(bot, jean, "/start", count=2)
    assert welcome.text.startswith("Hi Jean")


async def test_language_en_switches_and_the_next_reply_is_english(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna)
    assert "Was ich kann" in await bot.say(anna, "/help")
    confirmation = await bot.say(anna, "/language en")
    assert "English" in confirmation
    assert confirmation.startswith("Done!")
    assert "What I can do" in await bot.say(anna, "/help")
    row = await bot.subscriber(anna.chat_id)
    assert row is not None
    assert (row.language, row.language_code) == ("en", "de")


async def test_language_buttons_show_native_names_and_a_press_switches(bot: Bot) -> None:
    ada = bot.fake.user(1, language_code="en")
    await subscribe(bot, ada)
    before = len(ada.inbox())
    ada.send_command("/language")
    menu = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert [label for label, _ in menu.buttons] == ["English", "Deutsch"]
    ada.press(menu.message_id, "lang:de")
    confirmation = await bot.fake.wait_for_message(ada.chat_id, after=before + 1)
    assert confirmation.text == GERMAN.text("language_set", language="Deutsch")
    assert "Einstellungen" in await bot.say(ada, "/settings")


async def test_an_unknown_language_gets_a_kind_answer_listing_the_choices(bot: Bot) -> None:
    ada = bot.fake.user(1, language_code="en")
    await subscribe(bot, ada)
    answer = await bot.say(ada, "/language klingon")
    assert "klingon" in answer
    assert "Deutsch (de)" in answer
    assert "English (en)" in answer


async def test_the_daily_tip_goes_out_in_the_subscribers_language(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    ada = bot.fake.user(2, language_code="en")
    await subscribe(bot, anna)
    await subscribe(bot, ada)
    german_tip = await receive_tip(bot, anna, BERLIN_0730)
    english_tip = ada.inbox()[-1]
    assert german_tip.text.startswith(GERMAN.tips[0].title)
    assert GERMAN.text("tip_try_this") in german_tip.text
    assert [label for label, _ in german_tip.buttons] == [
        "✅ Gemacht",
        "🌙 Heute nicht",
        "🌗 Teilweise",
        "⏰ Später erinnern",
    ]
    assert english_tip.text.startswith(ENGLISH.tips[0].title)
    assert [label for label, _ in english_tip.buttons] == [
        "✅ Done",
        "🌙 Not today",
        "🌗 Partly",
        "⏰ Snooze",
    ]


async def test_a_tip_on_demand_is_in_the_subscribers_language(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna)
    assert (await bot.say(anna, "/tip")).startswith(GERMAN.tips[0].title)
    assert (await bot.say(anna, "/tip 5")).startswith(GERMAN.tips[4].title)


async def test_a_language_chosen_with_the_command_also_sets_the_daily_tip(bot: Bot) -> None:
    ada = bot.fake.user(1, language_code="en")
    await subscribe(bot, ada)
    await bot.say(ada, "/language Deutsch")
    tip = await receive_tip(bot, ada, BERLIN_0730)
    assert "Ausprobiert?" in tip.text


async def test_a_question_typed_in_german_gets_the_german_faq_answer(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna)
    answer = await bot.say(anna, "Was ist eigentlich die Darm-Hirn-Achse?")
    assert answer.startswith(GERMAN.faq(3).question)  # type: ignore[union-attr]


async def test_the_command_menu_is_set_for_each_language(bot: Bot) -> None:
    await bot.fake.wait_for(lambda: len(bot.fake.calls_to("setMyCommands")) >= 2 or None)
    menus = {
        call.params.get("language_code", ""): {
            command["command"]: command["description"] for command in call.params["commands"]
        }
        for call in bot.fake.calls_to("setMyCommands")
    }
    assert menus[""]["language"] == ENGLISH.commands["language"]
    assert menus["de"]["language"] == GERMAN.commands["language"]
    assert set(menus["de"]) == set(menus[""])


async def test_log_gestern_logs_yesterdays_tip_for_a_german_subscriber(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna)
    await receive_tip(bot, anna, BERLIN_0730)
    bot.clock.set(BERLIN_0730 + timedelta(days=1) - timedelta(hours=1))  # the next morning
    answer = await bot.say(anna, "/log gestern")
    assert "als gemacht eingetragen" in answer


async def test_summary_takes_german_day_names_and_aus(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna)
    turned_on = await bot.say(anna, "/summary sonntag 18:00")
    assert "jeden Sonntag" in turned_on
    assert "18:00" in turned_on
    turned_off = await bot.say(anna, "/summary aus")
    assert "keine Wochenrückblicke mehr" in turned_off


async def test_a_german_subscribers_reminder_and_weekly_summary_are_in_german(bot: Bot) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna)  # Europe/Berlin, tips at 07:30
    tip = await receive_tip(bot, anna)
    await snooze(bot, anna, tip, "1h")
    bot.clock.advance(timedelta(hours=1))
    await bot.deliver_now()
    title = GERMAN.tip(GERMAN.tips[0].id).title
    reminder = await bot.fake.wait_for_message(anna.chat_id, "Erinnerung")
    assert reminder.text == visible(GERMAN.text("reminder", title=title))
    assert [label for label, _ in reminder.buttons][:2] == [
        visible(GERMAN.text("button_done")),
        visible(GERMAN.text("button_not_today")),
    ]
    bot.clock.set(SUNDAY_18_BERLIN)
    await bot.deliver_now()
    summary = await bot.fake.wait_for_message(anna.chat_id, visible(GERMAN.text("summary_intro")))
    assert summary.kind == "photo"
    assert visible(ENGLISH.text("summary_intro")) not in summary.text
