"""NUDGEBOT_METRICS_LISTEN: /healthz and /metrics on their own address, off the public port."""

from __future__ import annotations

import aiohttp

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from tests.e2e.service import SECRET, running_service

SEPARATE = {"NUDGEBOT_METRICS_LISTEN": "127.0.0.1:0"}  # port 0: the system picks a free one


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def test_metrics_and_health_answer_on_the_separate_address(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    async with running_service(fake, database_url, clock, webhook=True, **SEPARATE) as served:
        assert served.service is not None
        assert served.service.metrics_port not in (0, served.service.port)
        private = f"http://127.0.0.1:{served.service.metrics_port}"
        status, text = await get(f"{private}/metrics")
        assert status == 200
        assert "nudgebot_updates_total" in text
        status, _ = await get(f"{private}/healthz")
        assert status == 200


async def test_the_public_port_serves_only_the_webhook(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    async with running_service(fake, database_url, clock, webhook=True, **SEPARATE) as served:
        assert (await get(f"{served.url}/metrics"))[0] == 404
        assert (await get(f"{served.url}/healthz"))[0] == 404
        ada = fake.user(7)
        assert await fake.post_to_webhook(ada.draft_command("/help")) == 200
        assert len(ada.inbox()) == 1


async def test_the_separate_address_takes_no_updates(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    async with running_service(fake, database_url, clock, webhook=True, **SEPARATE) as served:
        assert served.service is not None
        ada = fake.user(7)
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"http://127.0.0.1:{served.service.metrics_port}/telegram",
                json=ada.draft_command("/help"),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as response,
        ):
            assert response.status == 404
        assert ada.inbox() == []


async def test_a_polling_bot_with_a_separate_address_opens_no_public_port(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    async with running_service(fake, database_url, clock, webhook=False, **SEPARATE) as served:
        assert served.service is not None
        assert served.service.port == 0
        status, text = await get(f"http://127.0.0.1:{served.service.metrics_port}/metrics")
        assert status == 200
        assert "nudgebot_updates_total" in text


async def test_without_the_setting_everything_stays_on_the_one_port(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    async with running_service(fake, database_url, clock, webhook=True) as served:
        assert served.service is not None
        assert served.service.metrics_port == 0
        assert (await get(f"{served.url}/metrics"))[0] == 200
        assert (await get(f"{served.url}/healthz"))[0] == 200
