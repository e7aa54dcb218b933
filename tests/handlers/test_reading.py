"""/tip, /tips, /faq, the FAQ buttons, /help, /progress, /stats and commands the bot lacks."""

from __future__ import annotations

from tests.handlers.conftest import ADMIN, HandlerBot, texts

ADA = 1


async def test_tip_shows_the_tip_due_next_without_using_it_up(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    first = bot.content.tips[0]
    [text] = texts(await bot.say(ADA, "/tip"))
    assert text == bot.content.render_tip(first, footer_key="tip_on_demand_note")


async def test_tip_with_a_number_shows_that_tip(bot: HandlerBot) -> None:
    [text] = texts(await bot.say(ADA, "/tip 3"))
    assert text == bot.content.render_tip(bot.content.tips[2], footer_key="tip_on_demand_note")


async def test_tip_with_a_number_out_of_range_says_so(bot: HandlerBot) -> None:
    assert texts(await bot.say(ADA, "/tip 99")) == [
        bot.content.text("tip_number_invalid", text="99")
    ]


async def test_tips_lists_every_tip(bot: HandlerBot) -> None:
    assert texts(await bot.say(ADA, "/tips")) == [bot.content.render_tips_list()]


async def test_faq_offers_every_question_as_a_button(bot: HandlerBot) -> None:
    [call] = await bot.say(ADA, "/faq")
    assert call.text == bot.content.text("faq_intro")
    assert [data for _, data in call.buttons] == [f"faq:{f.number}" for f in bot.content.faqs]


async def test_faq_with_a_number_answers_it(bot: HandlerBot) -> None:
    faq = bot.content.faqs[1]
    assert texts(await bot.say(ADA, "/faq 2")) == [bot.content.render_faq(faq)]


async def test_faq_with_a_number_out_of_range_says_so(bot: HandlerBot) -> None:
    assert texts(await bot.say(ADA, "/faq 42")) == [
        bot.content.text("faq_number_invalid", text="42")
    ]


async def test_a_faq_button_answers_its_question(bot: HandlerBot) -> None:
    calls = await bot.press(ADA, "faq:1")
    assert calls[0].method == "answerCallbackQuery"
    assert texts(calls) == [bot.content.render_faq(bot.content.faqs[0])]


async def test_a_forged_faq_button_answers_nothing(bot: HandlerBot) -> None:
    assert [call.method for call in await bot.press(ADA, "faq:x")] == ["answerCallbackQuery"]


async def test_help_lists_what_the_bot_can_do(bot: HandlerBot) -> None:
    assert texts(await bot.say(ADA, "/help")) == [bot.content.text("help")]


async def test_an_unknown_command_is_answered_kindly(bot: HandlerBot) -> None:
    assert texts(await bot.say(ADA, "/teleport")) == [bot.content.text("unknown_command")]


async def test_stats_are_unseen_by_anyone_but_an_operator(bot: HandlerBot) -> None:
    assert texts(await bot.say(ADA, "/stats")) == [bot.content.text("unknown_command")]


async def test_stats_for_an_operator_are_the_figures_in_a_pre_block(bot: HandlerBot) -> None:
    [text] = texts(await bot.say(ADMIN, "/stats"))
    assert text.startswith("<pre>nudgebot stats at 2026-03-02 06:00 UTC")


async def test_progress_before_any_check_in_is_a_kind_word_not_a_picture(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    calls = await bot.say(ADA, "/progress")
    assert texts(calls) == [bot.content.text("progress_empty", days=0)]


async def test_progress_after_a_check_in_is_the_picture_with_its_caption(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    await bot.say(ADA, "had kimchi for lunch")
    [call] = await bot.say(ADA, "/progress")
    assert call.method == "sendPhoto"
    assert call.text.startswith(bot.content.messages["progress"].split("{")[0])
