"""/healthz and /metrics over real HTTP, in polling mode (webhook mode serves the same app)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from fakebotapi import FakeBotApi
from nudgebot.app.lifecycle import TICK_JOB
from nudgebot.clock import ManualClock
from tests.e2e.service import SECRET, Served, running_service
from tests.e2e.test_subscriber_journey import BERLIN_0730, receive_tip, subscribe


@pytest.fixture
async def polled(fake: FakeBotApi, database_url: str, clock: ManualClock) -> AsyncIterator[Served]:
    async with running_service(fake, database_url, clock, webhook=False) as served:
        yield served


async def test_healthz_reports_the_database_and_the_last_tick(polled: Served) -> None:
    assert polled.app.job_queue is not None
    [tick] = polled.app.job_queue.get_jobs_by_name(TICK_JOB)
    await tick.run(polled.app)  # the tick fires now, whatever the scheduler's phase
    status, body = await polled.get_json("/healthz")
    assert status == 200
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["tick"] == "ok"
    assert 0 <= body["last_tick_age_seconds"] <= body["max_tick_age_seconds"]


async def test_polling_mode_serves_no_webhook(polled: Served) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{polled.url}/telegram",
            json={"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        ) as response,
    ):
        assert response.status == 404


async def test_metrics_count_sent_tips_check_ins_and_updates(polled: Served) -> None:
    ada = polled.fake.user(1)
    await subscribe(polled, ada)
    tip = await receive_tip(polled, ada)
    ada.press(tip.message_id, tip.buttons[0][1])
    await polled.fake.wait_for_message(ada.chat_id, "1 day", after=len(ada.inbox()))
    assert await polled.metric('nudgebot_messages_sent_total{kind="tip"}') == 1
    assert await polled.metric('nudgebot_checkins_total{result="recorded",source="button"}') == 1
    # /start, the zone, the time (messages) and the press (a callback query).
    assert await polled.metric('nudgebot_updates_total{type="message"}') == 3
    assert await polled.metric('nudgebot_updates_total{type="callback_query"}') == 1
    assert await polled.metric("nudgebot_tick_duration_seconds_count") >= 1


async def test_metrics_count_failed_tips_by_reason(polled: Served) -> None:
    ada = polled.fake.user(1)
    await subscribe(polled, ada)
    polled.fake.block(ada.id)
    polled.clock.set(BERLIN_0730)
    await polled.deliver_now()
    assert await polled.metric('nudgebot_messages_failed_total{kind="tip",reason="blocked"}') == 1
    assert await polled.metric('nudgebot_messages_sent_total{kind="tip"}') == 0


async def test_metrics_count_handler_errors(polled: Served) -> None:
    ada = polled.fake.user(1)
    polled.fake.fail_next("sendMessage", status=400, description="Bad Request: boom")
    ada.send_command("/help")
    await polled.fake.wait_for(lambda: len(polled.fake.calls_to("sendMessage")) >= 2)
    assert await polled.metric("nudgebot_handler_errors_total") == 1


async def test_backlog_counts_subscribers_due_now(polled: Served) -> None:
    ada, bo = polled.fake.user(1), polled.fake.user(2)
    await subscribe(polled, ada)
    await subscribe(polled, bo)
    assert await polled.metric("nudgebot_backlog_due") == 0
    # With the engine stopped nothing drains the queue, so the gauge shows what is waiting.
    await polled.engine.stop()
    polled.clock.set(BERLIN_0730 + timedelta(minutes=1))
    assert await polled.metric("nudgebot_backlog_due") == 2


async def test_metrics_of_two_applications_do_not_mix(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    async with (
        running_service(fake, database_url, clock, webhook=True) as first,
        # The second setWebhook wins: the fake posts to the second one only.
        running_service(fake, database_url, clock, webhook=True) as second,
    ):
        ada = fake.user(1)
        await second.say(ada, "/help")
        assert await second.metric('nudgebot_updates_total{type="message"}') == 1
        assert await first.metric('nudgebot_updates_total{type="message"}') == 0
