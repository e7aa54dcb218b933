"""Scripted subscribers, end to end: settings, the daily tip, buttons, replies, FAQ, pause, stop."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from fakebotapi import BotMessage, FakeUser
from nudgebot.db.models import CheckIn, Delivery, Note
from tests.e2e.harness import Bot

# The clock fixture starts at Monday 2 March 2026, 06:00 UTC (07:00 in Berlin).
BERLIN_0730 = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


async def subscribe(
    bot: Bot, user: FakeUser, zone: str = "Europe/Berlin", time: str = "07:30"
) -> None:
    """/start, then answer both questions by typing, as most people do."""
    await answers(bot, user, "/start", count=2)  # welcome, then the zone question
    await answers(bot, user, zone, count=2)  # zone confirmed, then the time question
    await answers(bot, user, time, count=1)  # time confirmed


async def answers(bot: Bot, user: FakeUser, text: str, *, count: int) -> list[BotMessage]:
    before = len(user.inbox())
    if text.startswith("/"):
        user.send_command(text)
    else:
        user.send_text(text)
    await bot.fake.wait_for(lambda: len(user.inbox()) >= before + count)
    return user.inbox()[before:]


async def receive_tip(bot: Bot, user: FakeUser, at: datetime = BERLIN_0730) -> BotMessage:
    before = len(user.inbox())
    bot.clock.set(at)
    await bot.deliver_now()
    return await bot.fake.wait_for_message(user.chat_id, after=before)


async def count(bot: Bot, model: type[object]) -> int:
    async with bot.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_menu_of_commands_is_set_at_start(bot: Bot) -> None:
    await bot.fake.wait_for(lambda: bot.fake.calls_to("setMyCommands") or None)
    [call] = [c for c in bot.fake.calls_to("setMyCommands") if "language_code" not in c.params]
    names = [command["command"] for command in call.params["commands"]]
    assert {
        "start",
        "timezone",
        "time",
        "settings",
        "pause",
        "resume",
        "stop",
        "tip",
        "tips",
        "faq",
        "progress",
        "help",
    } <= set(names)


async def test_buttons_set_the_zone_and_the_time(bot: Bot) -> None:
    ada = bot.fake.user(1)
    ada.send_command("/start")
    question = await bot.fake.wait_for_message(ada.chat_id, after=1)
    ada.press(question.message_id, "tz:Europe/Berlin")
    time_question = await bot.fake.wait_for_message(ada.chat_id, after=2)
    assert (
        any(
            data == "tm:07:00"
            for _, data in (await bot.fake.wait_for_message(ada.chat_id, after=3)).buttons
        )
        or time_question
    )
    last = ada.inbox()[-1]
    ada.press(last.message_id, "tm:07:00")
    await bot.fake.wait_for(
        lambda: any("07:00" in m.text and "Europe/Berlin" in m.text for m in ada.inbox()[4:])
    )
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert (row.timezone, row.send_time) == ("Europe/Berlin", time(7, 0))
    assert ada.answered_callbacks()


async def test_a_city_name_is_understood_as_its_zone(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada, zone="new york", time="7:30")
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert row.timezone == "America/New_York"


async def test_an_unknown_place_gets_help_and_changes_nothing(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await answers(bot, ada, "/start", count=2)
    answer = await bot.say(ada, "/timezone Atlantis Under The Sea")
    assert "Atlantis" in answer
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert row.timezone == "UTC"


@pytest.mark.parametrize("typed", ["7:30", "07:30", "7.30am", "7:30 am"])
async def test_time_formats_people_type_are_accepted(bot: Bot, typed: str) -> None:
    ada = bot.fake.user(1)
    await answers(bot, ada, "/start", count=2)
    answer = await bot.say(ada, f"/time {typed}", expect="07:30")
    assert "07:30" in answer


async def test_an_invalid_time_is_explained_and_the_setting_kept(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await answers(bot, ada, "/start", count=2)
    answer = await bot.say(ada, "/time 25:99")
    assert "25:99" in answer
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert row.send_time == time(9, 0)


async def test_settings_show_zone_time_and_when_the_next_tip_comes(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    answer = await bot.say(ada, "/settings")
    assert "Europe/Berlin" in answer
    assert "07:30" in answer
    assert "today 07:30 Europe/Berlin, in 30 min" in answer


async def test_the_tip_arrives_at_the_local_time_with_buttons_and_only_once(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.clock.set(BERLIN_0730 - timedelta(minutes=1))
    report = await bot.deliver_now()
    assert report.sent == 0
    tip = await receive_tip(bot, ada)
    assert [text for text, _ in tip.buttons][:2] == ["✅ Done", "🌙 Not today"] or len(
        tip.buttons
    ) == 2
    assert tip.parse_mode == "HTML"
    bot.clock.advance(timedelta(minutes=30))
    await bot.deliver_now()
    tips = [m for m in ada.inbox() if m.buttons and m.buttons[0][1].startswith("ci:")]
    assert len(tips) == 1


async def test_pressing_done_logs_and_acknowledges_with_the_streak(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    ada.press(tip.message_id, tip.buttons[0][1])
    ack = await bot.fake.wait_for_message(ada.chat_id, "1 day", after=len(ada.inbox()))
    assert ack
    assert await count(bot, CheckIn) == 1
    assert ada.answered_callbacks()


async def test_pressing_a_second_button_updates_the_day_instead_of_adding(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    ada.press(tip.message_id, tip.buttons[0][1])
    await bot.fake.wait_for_message(ada.chat_id, after=len(ada.inbox()))
    before = len(ada.inbox())
    ada.press(tip.message_id, tip.buttons[1][1])
    await bot.fake.wait_for_message(ada.chat_id, after=before)
    async with bot.sessions() as session:
        outcomes = list((await session.execute(select(CheckIn.outcome))).scalars())
    assert outcomes == ["skipped"]


async def test_a_reply_to_the_tip_is_stored_as_a_note_and_a_check_in(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    ada.send_text("had a bowl of lentils for lunch", reply_to=tip.message_id)
    await bot.fake.wait_for_message(ada.chat_id, after=before)
    async with bot.sessions() as session:
        note = (await session.execute(select(Note))).scalar_one()
        checkin = (await session.execute(select(CheckIn))).scalar_one()
    assert note.text == "had a bowl of lentils for lunch"
    assert note.checkin_id == checkin.id
    assert checkin.outcome == "done"


async def test_editing_the_reply_updates_the_note(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    message_id = ada.send_text("walked 10 min", reply_to=tip.message_id)
    await bot.fake.wait_for_message(ada.chat_id, after=before)
    before = len(ada.inbox())
    ada.edit_text(message_id, "walked 25 min")
    await bot.fake.wait_for_message(ada.chat_id, after=before)
    async with bot.sessions() as session:
        assert (await session.execute(select(Note.text))).scalar_one() == "walked 25 min"


async def test_the_same_update_delivered_twice_logs_one_check_in(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    ada.send_text("done, loved it", reply_to=tip.message_id)
    ada.duplicate_last_update()
    await bot.fake.wait_for_message(ada.chat_id, after=before)
    ada.send_command("/help")  # a later update proves the duplicate was processed before it
    await bot.fake.wait_for_message(ada.chat_id, "/progress", after=before + 1)
    assert await count(bot, Note) == 1
    assert await count(bot, CheckIn) == 1


async def test_a_sticker_gets_a_kind_reply_and_nothing_is_logged(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    before = len(ada.inbox())
    ada.send_sticker()
    reply = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert reply.text
    assert await count(bot, CheckIn) == 0


async def test_faq_lists_five_questions_as_buttons_and_answers_a_press(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await answers(bot, ada, "/start", count=2)
    before = len(ada.inbox())
    ada.send_command("/faq")
    menu = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert len(menu.buttons) == 5
    ada.press(menu.message_id, menu.buttons[2][1])
    answer = await bot.fake.wait_for_message(ada.chat_id, after=before + 1)
    assert "gut-brain" in answer.text.lower() or "axis" in answer.text.lower()


async def test_faq_with_a_number_answers_directly(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await answers(bot, ada, "/start", count=2)
    answer = await bot.say(ada, "/faq 5")
    assert "week" in answer.lower() or "month" in answer.lower()


async def test_a_typed_question_matching_an_faq_is_answered_not_logged(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    await receive_tip(bot, ada)
    answer = await bot.say(ada, "What is the gut-brain axis?")
    assert "vagus" in answer.lower() or "two-way" in answer.lower()
    assert await count(bot, CheckIn) == 0


async def test_pause_stops_tips_and_resume_brings_them_back(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    await bot.say(ada, "/pause")
    bot.clock.set(BERLIN_0730)
    assert (await bot.deliver_now()).sent == 0
    bot.clock.advance(timedelta(minutes=1))  # today's time has passed while paused
    answer = await bot.say(ada, "/resume")
    assert "tomorrow 07:30" in answer
    tip = await receive_tip(bot, ada, at=BERLIN_0730 + timedelta(days=1))
    assert tip.buttons


async def test_pause_for_days_skips_exactly_those_days(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    await bot.say(ada, "/pause 2")
    for day in (0, 1):
        bot.clock.set(BERLIN_0730 + timedelta(days=day))
        assert (await bot.deliver_now()).sent == 0
    tip = await receive_tip(bot, ada, at=BERLIN_0730 + timedelta(days=2))
    assert tip.buttons


async def test_stop_ends_tips_keeps_history_and_start_resubscribes(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    ada.press(tip.message_id, tip.buttons[0][1])
    await bot.fake.wait_for(lambda: count_ack(ada))
    await bot.say(ada, "/stop")
    bot.clock.set(BERLIN_0730 + timedelta(days=1))
    assert (await bot.deliver_now()).sent == 0
    assert await count(bot, CheckIn) == 1
    await answers(bot, ada, "/start", count=2)
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert row.status == "active"


def count_ack(user: FakeUser) -> bool:
    return any("1 day" in m.text for m in user.inbox())


async def test_a_user_who_blocked_the_bot_is_marked_blocked_and_not_retried(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    bot.fake.block(ada.id)
    bot.clock.set(BERLIN_0730)
    # The periodic tick may get there before this pass does, so the row tells, not the report.
    await bot.deliver_now()
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert (row.status, row.next_due_at) == ("blocked", None)
    bot.clock.advance(timedelta(days=1))
    assert (await bot.deliver_now()).claimed == 0


async def test_tip_on_demand_does_not_consume_the_daily_rotation(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    on_demand = await bot.say(ada, "/tip")
    tip = await receive_tip(bot, ada)
    assert on_demand.splitlines()[0] == tip.text.splitlines()[0]


async def test_tips_lists_all_twelve_and_tip_n_shows_one(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await answers(bot, ada, "/start", count=2)
    listing = await bot.say(ada, "/tips")
    assert "12." in listing
    third = await bot.say(ada, "/tip 3")
    assert third
    invalid = await bot.say(ada, "/tip 13")
    assert "13" in invalid


async def test_progress_shows_streaks_and_recent_check_ins(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    ada.press(tip.message_id, tip.buttons[0][1])
    await bot.fake.wait_for(lambda: count_ack(ada))
    answer = await bot.say(ada, "/progress")
    assert "1 day" in answer


async def test_help_lists_every_command(bot: Bot) -> None:
    ada = bot.fake.user(1)
    answer = await bot.say(ada, "/help")
    for command in (
        "/start",
        "/timezone",
        "/time",
        "/settings",
        "/pause",
        "/resume",
        "/stop",
        "/tip",
        "/tips",
        "/faq",
        "/progress",
    ):
        assert command in answer


async def test_an_unknown_command_points_to_help(bot: Bot) -> None:
    ada = bot.fake.user(1)
    answer = await bot.say(ada, "/frobnicate")
    assert "/help" in answer


async def test_text_before_start_asks_to_start(bot: Bot) -> None:
    ada = bot.fake.user(1)
    answer = await bot.say(ada, "hello?")
    assert "/start" in answer


async def test_deliveries_are_recorded_as_sent_with_the_message_id(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    async with bot.sessions() as session:
        delivery = (await session.execute(select(Delivery))).scalar_one()
    assert (delivery.status, delivery.message_id) == ("sent", tip.message_id)
