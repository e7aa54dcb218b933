"""/stats through the real Application: figures for operators, nothing for anyone else."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from tests.e2e.harness import Bot, running_bot
from tests.e2e.test_subscriber_journey import receive_tip, subscribe

OPERATOR = 4242


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str, clock: ManualClock) -> AsyncIterator[Bot]:
    async with running_bot(fake, database_url, clock, admin_ids=f"{OPERATOR}, 99") as running:
        yield running


async def test_an_operator_gets_the_figures(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    ada.press(tip.message_id, tip.buttons[0][1])
    await bot.fake.wait_for_message(ada.chat_id, "Nice one", after=before)
    operator = bot.fake.user(OPERATOR, "Olu")
    answer = await bot.say(operator, "/stats", expect="subscribers")
    assert "subscribers: 1 (active 1," in answer
    assert "tips sent today (UTC): 1" in answer
    assert "tips sent in the last 7 days: 1" in answer
    assert "unknown deliveries (maybe sent): 0" in answer
    assert "expired deliveries (not sent in time): 0" in answer
    assert re.search(r"^  fiber +1/1  100%$", answer, re.MULTILINE)


async def test_anyone_else_gets_the_unknown_command_answer(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    stats = await bot.say(ada, "/stats")
    unknown = await bot.say(ada, "/nosuchcommand")
    assert stats == unknown
    assert "subscribers" not in stats


async def test_stats_is_not_in_the_command_menu_of_any_language(bot: Bot) -> None:
    calls = await bot.fake.wait_for(lambda: bot.fake.calls_to("setMyCommands") or None)
    menus = [{command["command"] for command in call.params["commands"]} for call in calls]
    assert menus
    assert all("stats" not in menu for menu in menus)
