"""Check-ins: the buttons under a tip, notes, Undo, edits, /log, and what cannot be logged."""

from __future__ import annotations

from datetime import UTC, datetime

from nudgebot.domain.humanize import count_days
from tests.handlers.conftest import HandlerBot, texts
from tests.handlers.offline import Call
from tests.handlers.updates import message

ADA = 1
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def tip_of_today(bot: HandlerBot) -> Call:
    """Subscribe Ada, let the engine send her 09:00 tip; returns that send."""
    await bot.subscribe(ADA)
    bot.clock.set(NINE)
    [tip] = await bot.deliver()
    return tip


def data_of(call: Call, label: str) -> str:
    return next(data for text, data in call.buttons if text == label)


async def test_done_under_the_tip_logs_it_and_answers_with_the_streak(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    calls = await bot.press(ADA, data_of(tip, bot.content.text("button_done")))
    assert calls[0].method == "answerCallbackQuery"
    one = count_days(1, bot.content.wording)
    assert texts(calls) == [bot.content.text("checkin_done", streak=one, best=one)]


async def test_pressing_the_same_answer_twice_logs_nothing_new(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    done = data_of(tip, bot.content.text("button_done"))
    await bot.press(ADA, done)
    assert [call.method for call in await bot.press(ADA, done)] == ["answerCallbackQuery"]


async def test_a_button_under_someone_elses_tip_logs_nothing(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    await bot.subscribe(2)
    calls = await bot.press(2, data_of(tip, bot.content.text("button_done")))
    assert [call.method for call in calls] == ["answerCallbackQuery"]


async def test_forged_check_in_data_is_answered_and_ignored(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    for data in ("ci:x:done", "ci:1:maybe", "ci:1"):
        assert [call.method for call in await bot.press(ADA, data)] == ["answerCallbackQuery"]


async def test_a_focus_button_logs_that_habit_on_the_tips_day(bot: HandlerBot) -> None:
    tip = await tip_of_today(bot)
    delivery_id = data_of(tip, bot.content.text("button_done")).split(":")[1]
    calls = await bot.press(ADA, f"fc:{delivery_id}:sleep")
    label = bot.content.tip("sleep").label
    one = count_days(1, bot.content.wording)
    assert texts(calls) == [bot.content.text("focus_logged", habit=label, streak=one)]


async def test_a_forged_focus_button_is_answered_and_ignored(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    for data in ("fc:x:sleep", "fc:1:no-such-habit"):
        assert [call.method for call in await bot.press(ADA, data)] == ["answerCallbackQuery"]


async def test_a_note_naming_a_habit_logs_it_with_an_undo_button(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [call] = await bot.say(ADA, "had kimchi for lunch")
    label = bot.content.tip("fermented").label
    one = count_days(1, bot.content.wording)
    assert call.text == bot.content.text("habits_logged", done=label, skipped="", streak=one)
    assert call.buttons[0][0] == bot.content.text("button_undo")


async def test_undo_removes_what_the_note_logged(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    [call] = await bot.say(ADA, "had kimchi for lunch")
    calls = await bot.press(ADA, call.buttons[0][1])
    label = bot.content.tip("fermented").label
    assert texts(calls) == [bot.content.text("undo_done", habits=label)]
    assert texts(await bot.press(ADA, call.buttons[0][1])) == [bot.content.text("undo_nothing")]


async def test_a_forged_undo_is_answered_and_ignored(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert [call.method for call in await bot.press(ADA, "undo:abc")] == ["answerCallbackQuery"]


async def test_a_note_before_the_first_tip_is_kept_as_a_journal_note(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.say(ADA, "nothing much to report")) == [
        bot.content.text("journal_saved")
    ]


async def test_a_reply_to_the_tip_is_its_check_in(bot: HandlerBot) -> None:
    await tip_of_today(bot)
    calls = await bot.say(ADA, "did it")
    one = count_days(1, bot.content.wording)
    assert texts(calls) == [bot.content.text("note_saved", streak=one)]


async def test_a_note_from_someone_not_subscribed_asks_them_to_start(bot: HandlerBot) -> None:
    assert texts(await bot.say(ADA, "hello")) == [bot.content.text("not_subscribed")]


async def test_a_question_that_matches_a_faq_gets_the_answer(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    faq = bot.content.faqs[0]
    [text] = texts(await bot.say(ADA, faq.question))
    assert text == bot.content.render_faq(faq)


async def test_an_edited_note_is_updated(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    await bot.send(message(bot.app.bot, ADA, "feeling calm today", message_id=500))
    edited = message(bot.app.bot, ADA, "feeling calm and rested", edited=True, message_id=500)
    assert texts(await bot.send(edited)) == [bot.content.text("note_updated")]


async def test_a_photo_gets_a_kind_word_and_nothing_is_lost(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    photo = {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}
    calls = await bot.send(message(bot.app.bot, ADA, None, extra=photo))
    assert texts(calls) == [bot.content.text("non_text")]


async def test_log_yesterday_without_a_tip_yesterday_says_so(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.say(ADA, "/log yesterday")) == [bot.content.text("log_yesterday_none")]


async def test_log_with_anything_but_yesterday_explains_itself(bot: HandlerBot) -> None:
    await bot.subscribe(ADA)
    assert texts(await bot.say(ADA, "/log tomorrow")) == [bot.content.text("log_usage")]
