"""Adaptive rotation end to end: after a first cycle in content order, least logged comes first."""

from __future__ import annotations

from datetime import timedelta

from fakebotapi import BotMessage, FakeUser
from nudgebot.content.model import Content
from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import BERLIN_0730, receive_tip, subscribe

DAY = timedelta(days=1)


def tip_id(content: Content, message: BotMessage) -> str:
    title = message.text.splitlines()[0]
    return next(tip.id for tip in content.tips if tip.title == title)


async def press(bot: Bot, user: FakeUser, message: BotMessage, button: int) -> None:
    """Press Done (0) or Not today (1) and wait for the bot's acknowledgement."""
    before = len(user.inbox())
    user.press(message.message_id, message.buttons[button][1])
    await bot.fake.wait_for(lambda: len(user.inbox()) > before)


async def test_the_second_cycle_starts_with_the_habit_logged_least(
    bot: Bot, content: Content
) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    order = content.tip_ids
    first_cycle: list[str] = []
    for day in range(len(order)):
        tip = await receive_tip(bot, ada, at=BERLIN_0730 + day * DAY)
        first_cycle.append(tip_id(content, tip))
        # Everything done, except the fifth habit: "not today" does not count as logged.
        await press(bot, ada, tip, 1 if day == 4 else 0)
    assert first_cycle == list(order)
    second = [
        tip_id(content, await receive_tip(bot, ada, at=BERLIN_0730 + day * DAY))
        for day in range(len(order), len(order) + 2)
    ]
    assert second == [order[4], order[0]]
