"""The weekly summary end to end: Sunday 18:00 local in a DST week, once, and /summary off|on."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from PIL import Image
from sqlalchemy import update

from fakebotapi import BotMessage, FakeBotApi, FakeUser
from nudgebot.clock import ManualClock
from nudgebot.db.models import Subscriber
from nudgebot.render.picture import WIDTH
from tests.e2e.harness import Bot, running_bot
from tests.e2e.test_subscriber_journey import count_ack, receive_tip, subscribe

# Berlin moves its clocks forward early on Sunday 29 March 2026: 18:00 there is 16:00 UTC
# that evening (it would be 17:00 UTC the week before).
MONDAY_BEFORE = datetime(2026, 3, 23, 6, 0, tzinfo=UTC)
SUNDAY_18_BERLIN = datetime(2026, 3, 29, 16, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def summaries(user: FakeUser) -> list[BotMessage]:
    return [m for m in user.inbox() if m.kind == "photo" and "Your week" in m.text]


async def at(bot: Bot, moment: datetime) -> None:
    bot.clock.set(moment)
    await bot.deliver_now()


async def test_the_weekly_summary_arrives_once_at_sunday_six_pm_local_in_a_dst_week(
    bot: Bot,
) -> None:
    bot.clock.set(MONDAY_BEFORE)
    ada = bot.fake.user(1)
    await subscribe(bot, ada)  # Europe/Berlin, tips at 07:30
    tip = await receive_tip(bot, ada, at=datetime(2026, 3, 28, 6, 30, tzinfo=UTC))
    ada.press(tip.message_id, tip.buttons[0][1])
    await bot.fake.wait_for(lambda: count_ack(ada))
    await at(bot, SUNDAY_18_BERLIN - timedelta(minutes=1))
    assert summaries(ada) == []
    await at(bot, SUNDAY_18_BERLIN)
    [summary] = await bot.fake.wait_for(lambda: summaries(ada) or None)
    image = Image.open(io.BytesIO(summary.params["photo"].data))
    assert (image.format, image.width) == ("PNG", WIDTH)
    assert "Current streak: 1 day" in summary.text
    await at(bot, SUNDAY_18_BERLIN + timedelta(hours=2))
    await at(bot, SUNDAY_18_BERLIN + WEEK - timedelta(minutes=1))
    assert len(summaries(ada)) == 1


async def test_summary_off_stops_it_and_summary_on_brings_it_back(bot: Bot) -> None:
    bot.clock.set(MONDAY_BEFORE)
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    answer = await bot.say(ada, "/summary off")
    assert "/summary on" in answer
    await at(bot, SUNDAY_18_BERLIN)
    await at(bot, SUNDAY_18_BERLIN + timedelta(hours=1))
    assert summaries(ada) == []
    answer = await bot.say(ada, "/summary on")
    assert "Sunday" in answer
    assert "18:00" in answer
    await at(bot, SUNDAY_18_BERLIN + WEEK)
    [summary] = await bot.fake.wait_for(lambda: summaries(ada) or None)
    assert "quiet week" in summary.text  # nothing logged: a gentle line, never guilt


async def test_summary_with_a_day_and_time_moves_it(bot: Bot) -> None:
    bot.clock.set(MONDAY_BEFORE)
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    answer = await bot.say(ada, "/summary friday 8pm")
    assert "Friday" in answer
    assert "20:00" in answer
    await at(bot, datetime(2026, 3, 27, 19, 0, tzinfo=UTC))  # 20:00 in Berlin, still winter
    await bot.fake.wait_for(lambda: summaries(ada) or None)


async def test_summary_alone_says_when_and_nonsense_gets_a_kind_hint(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    status = await bot.say(ada, "/summary")
    assert "Sunday" in status
    assert "18:00" in status
    hint = await bot.say(ada, "/summary whenever")
    assert "/summary sunday 18:00" in hint


async def test_summary_is_in_the_command_menu_and_in_help(bot: Bot) -> None:
    await bot.fake.wait_for(lambda: bot.fake.calls_to("setMyCommands") or None)
    [call] = [c for c in bot.fake.calls_to("setMyCommands") if "language_code" not in c.params]
    assert "summary" in [command["command"] for command in call.params["commands"]]
    ada = bot.fake.user(1)
    assert "/summary" in await bot.say(ada, "/help")


async def test_a_restart_after_the_summary_went_out_sends_no_second_one(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    clock.set(MONDAY_BEFORE)
    ada = fake.user(1)
    async with running_bot(fake, database_url, clock) as first:
        await subscribe(first, ada)
        await at(first, SUNDAY_18_BERLIN)
        await fake.wait_for(lambda: summaries(ada) or None)
        # As if the process died before its schedule advance was saved: the row looks due.
        async with first.sessions.begin() as session:
            await session.execute(
                update(Subscriber).values(
                    next_summary_at=SUNDAY_18_BERLIN, next_summary_date=date(2026, 3, 29)
                )
            )
    async with running_bot(fake, database_url, clock) as second:
        await at(second, SUNDAY_18_BERLIN + timedelta(minutes=30))
        row = await second.subscriber(ada.chat_id)
    assert len(summaries(ada)) == 1
    assert row is not None
    assert row.next_summary_date == date(2026, 4, 5)
