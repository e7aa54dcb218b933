"""A first conversation: /start over real HTTP."""

from __future__ import annotations

from tests.e2e.harness import Bot


async def test_start_welcomes_and_asks_for_the_time_zone(bot: Bot) -> None:
    ada = bot.fake.user(1001)
    ada.send_command("/start")
    question = await bot.fake.wait_for_message(ada.chat_id, after=1)
    assert "Europe/Berlin" in [data.removeprefix("tz:") for _, data in question.buttons]
