"""`nudgebot run --webhook` end to end: the fake Bot API POSTs updates over real HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select

from fakebotapi import FakeBotApi, FakeUser
from nudgebot.clock import ManualClock
from nudgebot.db.models import ProcessedUpdate, Subscriber
from nudgebot.web.webhook import MAX_BODY_BYTES
from tests.e2e.service import SECRET, Served, running_service


@pytest.fixture
async def hooked(fake: FakeBotApi, database_url: str, clock: ManualClock) -> AsyncIterator[Served]:
    async with running_service(fake, database_url, clock, webhook=True) as served:
        yield served


async def subscribers(served: Served) -> int:
    async with served.sessions() as session:
        return int(
            (await session.execute(select(func.count()).select_from(Subscriber))).scalar_one()
        )


async def welcomed(served: Served, user: FakeUser) -> int:
    """How many welcome messages the user got (each /start handled sends one)."""
    return sum("time zone" in m.text for m in user.inbox())


async def test_start_sets_the_webhook_with_the_secret_and_every_update_type(
    hooked: Served, fake: FakeBotApi
) -> None:
    [call] = fake.calls_to("setWebhook")
    assert call.params["url"] == f"{hooked.url}/telegram"
    assert call.params["secret_token"] == SECRET
    assert "message" in call.params["allowed_updates"]
    assert "callback_query" in call.params["allowed_updates"]
    assert call.params.get("drop_pending_updates") in (None, False)
    assert fake.calls_to("getUpdates") == []


async def test_a_command_posted_to_the_webhook_is_answered(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    assert "time zone" in await hooked.say(ada, "/start", expect="time zone")
    await fake.wait_for(lambda: len(fake.webhook_posts) == 1)
    assert fake.webhook_posts[0].status == 200


async def test_the_webhook_answers_200_only_after_the_update_was_handled(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    update = ada.draft_command("/help")
    assert await fake.post_to_webhook(update) == 200
    # No waiting: the reply was sent before the 200 came back.
    assert len(ada.inbox()) == 1


async def test_a_wrong_or_missing_secret_is_403_and_nothing_is_handled(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    update = ada.draft_command("/start")
    assert await fake.post_to_webhook(update, secret="wrong-secret") == 403
    assert await fake.post_to_webhook(update, secret=None) == 403
    assert await fake.post_to_webhook(update, secret=SECRET[:-1]) == 403
    assert ada.inbox() == []
    assert await subscribers(hooked) == 0
    assert await hooked.metric('nudgebot_updates_total{type="message"}') == 0
    # The same update with the right secret is handled: it was only the secret.
    assert await fake.post_to_webhook(update) == 200
    assert await subscribers(hooked) == 1


async def test_a_body_over_one_mebibyte_is_refused_unread(hooked: Served, fake: FakeBotApi) -> None:
    ada = fake.user(7)
    update = ada.draft_command("/start")
    padded = json.dumps({**update, "padding": "x" * MAX_BODY_BYTES}).encode()
    assert await fake.post_to_webhook(padded) == 413
    assert ada.inbox() == []
    assert await subscribers(hooked) == 0


async def test_a_chunked_body_over_one_mebibyte_is_refused_too(hooked: Served) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * (MAX_BODY_BYTES // 16)

    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{hooked.url}/telegram",
            data=chunks(),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        ) as response,
    ):
        assert response.status == 413


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"no_update_id": 1}',
        b'{"update_id": "1"}',
        b"\xff\xfe",
        b'{"update_id": 1, "message": "hello"}',
        b'{"update_id": 1, "message": {"chat": 3}}',
    ],
    ids=[
        "malformed",
        "a list",
        "no update_id",
        "update_id not a number",
        "not utf-8",
        "message not an object",
        "message missing fields",
    ],
)
async def test_a_body_that_is_not_an_update_is_400_and_nothing_is_handled(
    hooked: Served, fake: FakeBotApi, body: bytes
) -> None:
    assert await fake.post_to_webhook(body) == 400
    assert await subscribers(hooked) == 0
    assert await hooked.metric("nudgebot_handler_errors_total") == 0


async def test_telegram_resending_an_update_gets_it_handled_once(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    await hooked.say(ada, "/start", expect="time zone")
    fake.resend_last(ada.chat_id)
    await fake.wait_for(lambda: len(fake.webhook_posts) == 2)
    assert [post.status for post in fake.webhook_posts] == [200, 200]
    assert await welcomed(hooked, ada) == 1
    assert await hooked.metric("nudgebot_duplicate_updates_total") == 1


async def test_a_resend_arriving_while_the_first_is_handled_is_dropped(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    update = ada.draft_command("/start")
    statuses = await asyncio.gather(*(fake.post_to_webhook(update) for _ in range(3)))
    assert statuses == [200, 200, 200]
    assert await welcomed(hooked, ada) == 1


async def test_handled_update_ids_are_kept_in_the_database_for_other_replicas(
    hooked: Served, fake: FakeBotApi
) -> None:
    ada = fake.user(7)
    update = ada.draft_command("/start")
    assert await fake.post_to_webhook(update) == 200
    async with hooked.sessions() as session:
        ids = list((await session.execute(select(ProcessedUpdate.update_id))).scalars())
    assert ids == [update["update_id"]]


async def test_a_resend_to_another_replica_is_not_handled_again(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    ada = fake.user(7)
    async with (
        running_service(fake, database_url, clock, webhook=True) as first,
        running_service(fake, database_url, clock, webhook=True) as second,
    ):
        update = ada.draft_command("/start")
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with aiohttp.ClientSession() as http:
            for replica in (first, second):
                async with http.post(f"{replica.url}/telegram", json=update, headers=headers) as r:
                    assert r.status == 200
        assert await welcomed(first, ada) == 1
        assert await second.metric("nudgebot_duplicate_updates_total") == 1


async def test_a_resend_after_a_restart_is_not_handled_again(
    fake: FakeBotApi, database_url: str, clock: ManualClock
) -> None:
    ada = fake.user(7)
    update = ada.draft_command("/start")
    async with running_service(fake, database_url, clock, webhook=True):
        assert await fake.post_to_webhook(update) == 200
    async with running_service(fake, database_url, clock, webhook=True) as again:
        assert await fake.post_to_webhook(update) == 200
        assert await welcomed(again, ada) == 1
