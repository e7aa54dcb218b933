"""Telegram going away after start-up: the bot keeps running and says it is back, once."""

from __future__ import annotations

from pathlib import Path

from fakebotapi import FakeBotApi
from nudgebot.cli.exit_codes import EXIT_OK
from tests.e2e.service import free_port
from tests.e2e.test_startup_wait import NOISE, PATIENCE, nudgebot_run


async def test_an_outage_after_start_is_survived_and_its_end_logged_once(tmp_path: Path) -> None:
    api_port = free_port()
    fake = FakeBotApi()
    await fake.start(port=api_port)
    async with nudgebot_run(tmp_path, fake.base_url) as bot:
        try:
            ada = fake.user(7)
            ada.send_command("/start")
            await fake.wait_for_message(ada.chat_id, "time zone", timeout=PATIENCE)
            await fake.stop()
            _, during = await bot.wait_for_health(lambda _, body: body["telegram"] != "ok")
            fake = FakeBotApi()
            await fake.start(port=api_port)
            status, after = await bot.wait_for_health(lambda _, body: body["telegram"] == "ok")
            bea = fake.user(8, "Bea")
            bea.send_command("/start")
            await fake.wait_for_message(bea.chat_id, "time zone", timeout=PATIENCE)
        finally:
            code = await bot.stop()
            await fake.stop()
    log = bot.log
    assert code == EXIT_OK, log
    assert (during["status"], during["telegram"]) == ("ok", "unreachable")
    assert (status, after["telegram"]) == (200, "ok")
    assert log.count("Telegram reachable again") == 1, log
    assert log.count("Telegram unreachable") == 1, log
    assert not any(noise in log for noise in NOISE), log
