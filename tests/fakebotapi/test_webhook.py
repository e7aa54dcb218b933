"""The fake's webhook: setWebhook held to Telegram's rules, updates POSTed with the secret."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest

from fakebotapi import FakeBotApi

SECRET = "s3cret_token-ok"


@dataclass
class Receiver:
    """A tiny webhook endpoint that records what it got and answers with `status`."""

    url: str = ""
    status: int = 200
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        self.received.append((body, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=self.status)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url) as client:
        yield client


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    endpoint = Receiver()
    app = web.Application()
    app.router.add_post("/hook", endpoint.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    endpoint.url = f"http://{host}:{port}/hook"
    yield endpoint
    await runner.cleanup()


async def test_an_update_is_posted_with_the_secret_header(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    fake.user(7).send_command("/start")
    await fake.wait_for(lambda: len(receiver.received) >= 1)
    body, secret = receiver.received[0]
    assert body["message"]["text"] == "/start"
    assert secret == SECRET
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert info.pending_update_count == 0


async def test_an_update_is_posted_again_until_the_webhook_answers_2xx(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.status = 500
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    fake.user(7).send_command("/start")
    await fake.wait_for(lambda: len(receiver.received) >= 2)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 500"
    receiver.status = 200
    await fake.wait_for(lambda: fake.webhook_posts[-1].status == 200)
    assert {body["update_id"] for body, _ in receiver.received} == {fake.webhook_posts[0].update_id}
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_resend_last_posts_the_same_update_id_again(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    fake.user(7).send_text("hello")
    await fake.wait_for(lambda: len(receiver.received) >= 1)
    fake.resend_last(7)
    await fake.wait_for(lambda: len(receiver.received) == 2)
    first, again = (body["update_id"] for body, _ in receiver.received)
    assert first == again


async def test_post_to_webhook_sends_any_body_and_any_secret(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    assert await fake.post_to_webhook({"update_id": 5}, secret="wrong") == 200
    assert await fake.post_to_webhook({"update_id": 6}, secret=None) == 200
    assert receiver.received == [({"update_id": 5}, "wrong"), ({"update_id": 6}, None)]


async def test_a_secret_token_with_unallowed_characters_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="unallowed characters"):
        await bot.set_webhook("https://example.org/hook", secret_token="not secret!")


async def test_delete_webhook_stops_the_posts_and_polling_works_again(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    await bot.delete_webhook()
    fake.user(7).send_text("hello")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert receiver.received == []
