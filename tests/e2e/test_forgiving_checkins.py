"""Forgiving check-ins end to end: Partly, Snooze, /focus, multi-habit notes, /log, rest days."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from fakebotapi import BotMessage, FakeBotApi, FakeUser
from nudgebot.clock import ManualClock
from nudgebot.db.models import CheckIn, Snooze
from tests.e2e.harness import Bot, running_bot
from tests.e2e.test_subscriber_journey import BERLIN_0730, count, receive_tip, subscribe

NUDGE = "gentle nudge"


def button(message: BotMessage, prefix: str) -> str:
    return next(data for _, data in message.buttons if data.startswith(prefix))


def reminders(user: FakeUser) -> int:
    return sum(1 for m in user.inbox() if NUDGE in m.text)


async def press(bot: Bot, user: FakeUser, message: BotMessage, data: str, expect: str = "") -> str:
    before = len(user.inbox())
    user.press(message.message_id, data)
    return (await bot.fake.wait_for_message(user.chat_id, expect, after=before)).text


async def snooze(bot: Bot, user: FakeUser, tip: BotMessage, choice: str) -> str:
    """Press Snooze under the tip, then the choice; returns the confirmation."""
    before = len(user.inbox())
    user.press(tip.message_id, button(tip, "sz:"))
    question = await bot.fake.wait_for_message(user.chat_id, after=before)
    user.press(question.message_id, button(question, "sz:").rsplit(":", 1)[0] + f":{choice}")
    confirmed = await bot.fake.wait_for(
        lambda: next(
            (m for m in user.inbox() if m.message_id == question.message_id and not m.buttons), None
        )
    )
    return confirmed.text


async def checkin_outcomes(bot: Bot) -> dict[str, str]:
    async with bot.sessions() as session:
        rows = (await session.execute(select(CheckIn.tip_id, CheckIn.outcome))).all()
    return dict(rows)


async def test_partly_counts_for_the_streak(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    answer = await press(bot, ada, tip, button(tip, "ci:").rsplit(":", 1)[0] + ":partly")
    assert "1 day" in answer
    assert list((await checkin_outcomes(bot)).values()) == ["partly"]


async def test_snooze_three_hours_sends_one_reminder_three_hours_later(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    confirmation = await snooze(bot, ada, tip, "3h")
    assert "10:30" in confirmation
    bot.clock.advance(timedelta(hours=2, minutes=59))
    await bot.deliver_now()
    assert reminders(ada) == 0
    bot.clock.advance(timedelta(minutes=1))
    await bot.deliver_now()
    reminder = await bot.fake.wait_for_message(ada.chat_id, NUDGE)
    assert reminder.buttons
    assert not any(data.startswith("sz:") for _, data in reminder.buttons)
    bot.clock.advance(timedelta(hours=1))
    await bot.deliver_now()
    assert reminders(ada) == 1
    # Its buttons log the day's tip, like the tip's own.
    answer = await press(bot, ada, reminder, reminder.buttons[0][1], "1 day")
    assert answer


async def test_a_check_in_before_the_reminder_cancels_it(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    await snooze(bot, ada, tip, "1h")
    await press(bot, ada, tip, tip.buttons[0][1], "1 day")
    bot.clock.advance(timedelta(hours=2))
    await bot.deliver_now()
    assert reminders(ada) == 0
    async with bot.sessions() as session:
        assert await session.scalar(select(Snooze.status)) == "cancelled"


async def test_a_snooze_survives_a_restart_and_reminds_once(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    ada = fake.user(1)
    async with running_bot(fake, database_url, clock, send_timeout=1.0) as bot:
        await subscribe(bot, ada)
        tip = await receive_tip(bot, ada)
        await snooze(bot, ada, tip, "1h")
    clock.advance(timedelta(hours=1))
    async with running_bot(fake, database_url, clock, send_timeout=1.0) as bot:
        await bot.deliver_now()
        await fake.wait_for_message(ada.chat_id, NUDGE)
        clock.advance(timedelta(minutes=30))
        await bot.deliver_now()
    assert reminders(ada) == 1


async def test_snooze_this_evening_is_not_offered_late_at_night(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada, time="22:30")
    tip = await receive_tip(bot, ada, at=BERLIN_0730 + timedelta(hours=15))  # 22:30 Berlin
    before = len(ada.inbox())
    ada.press(tip.message_id, button(tip, "sz:"))
    question = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert [text for text, _ in question.buttons] == ["In 1 hour"]


async def test_focus_habits_add_one_tap_buttons_to_the_daily_tip(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    before = len(ada.inbox())
    ada.send_command("/focus")
    menu = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert len([b for b in menu.buttons if b[1] != "fo::save"]) == 12
    ada.press(menu.message_id, "fo:2")
    await bot.fake.wait_for(lambda: any(d == "fo:2,6" for _, d in ada.inbox()[before].buttons))
    ada.press(menu.message_id, "fo:2,6")
    await bot.fake.wait_for(lambda: any(d == "fo:2,6:save" for _, d in ada.inbox()[before].buttons))
    ada.press(menu.message_id, "fo:2,6:save")
    saved = await bot.fake.wait_for(
        lambda: next((m for m in ada.inbox() if "Lovely" in m.text), None)
    )
    assert "Fermented" in saved.text
    assert "Movement" in saved.text
    tip = await receive_tip(bot, ada)
    focus = [(text, data) for text, data in tip.buttons if data.startswith("fc:")]
    assert [text for text, _ in focus] == ["✅ Fermented", "✅ Movement"]
    answer = await press(bot, ada, tip, focus[1][1], "Movement")
    assert "1 day" in answer
    assert await checkin_outcomes(bot) == {"movement": "done"}


async def test_focus_off_clears_the_buttons(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    await bot.app.bot_data.services.focus.set(ada.chat_id, ["hydration"])
    await bot.say(ada, "/focus off")
    tip = await receive_tip(bot, ada)
    assert not any(data.startswith("fc:") for _, data in tip.buttons)


async def test_a_note_naming_two_habits_logs_both_and_undo_removes_them(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    await receive_tip(bot, ada)
    before = len(ada.inbox())
    ada.send_text("had kimchi and walked 20 min")
    ack = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert "Fermented" in ack.text
    assert "Movement" in ack.text
    assert await checkin_outcomes(bot) == {"fermented": "done", "movement": "done"}
    answer = await press(bot, ada, ack, button(ack, "undo:"), "Undone")
    assert "Fermented" in answer
    assert await count(bot, CheckIn) == 0
    again = await press(bot, ada, ack, button(ack, "undo:"))
    assert "nothing" in again.lower()


async def test_log_yesterday_logs_the_tip_of_the_day_before(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    await receive_tip(bot, ada)
    bot.clock.set(BERLIN_0730 + timedelta(days=1) - timedelta(hours=1))  # the next morning
    answer = await bot.say(ada, "/log yesterday")
    assert "1 day" in answer
    async with bot.sessions() as session:
        day = await session.scalar(select(func.min(CheckIn.local_date)))
    assert day is not None
    assert day.isoformat() == "2026-03-02"


async def test_log_yesterday_without_a_tip_yesterday_is_kindly_refused(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    answer = await bot.say(ada, "/log yesterday")
    assert "nothing to log" in answer
    assert await count(bot, CheckIn) == 0


async def test_paused_days_keep_the_streak(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    await press(bot, ada, tip, tip.buttons[0][1], "1 day")
    await bot.say(ada, "/pause 2")
    for day in (1, 2):
        bot.clock.set(BERLIN_0730 + timedelta(days=day))
        assert (await bot.deliver_now()).sent == 0
    tip = await receive_tip(bot, ada, at=BERLIN_0730 + timedelta(days=3))
    answer = await press(bot, ada, tip, tip.buttons[0][1], "Nice")
    assert "2 days" in answer


async def test_the_reminder_leaves_out_a_focus_habit_already_logged(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    await bot.app.bot_data.services.focus.set(ada.chat_id, ["hydration", "sleep"])
    tip = await receive_tip(bot, ada)
    await press(bot, ada, tip, button(tip, "fc:").rsplit(":", 1)[0] + ":hydration", "Water")
    await snooze(bot, ada, tip, "1h")
    bot.clock.advance(timedelta(hours=1))
    await bot.deliver_now()
    reminder = await bot.fake.wait_for_message(ada.chat_id, NUDGE)
    focus = [data.rsplit(":", 1)[1] for _, data in reminder.buttons if data.startswith("fc:")]
    assert focus == ["sleep"]


async def test_yesterdays_tip_buttons_still_log_today_but_not_the_day_after(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    bot.clock.set(BERLIN_0730 + timedelta(days=1, hours=-1))  # before the next tip
    assert "1 day" in await press(bot, ada, tip, tip.buttons[0][1])
    bot.clock.advance(timedelta(days=1))
    before = len(ada.answered_callbacks())
    ada.press(tip.message_id, tip.buttons[1][1])
    [answer] = await bot.fake.wait_for(lambda: ada.answered_callbacks()[before:] or None)
    assert "few days old" in str(answer.params.get("text"))
    assert await checkin_outcomes(bot) == {"fiber": "done"}
