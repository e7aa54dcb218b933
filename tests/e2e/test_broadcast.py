"""`nudgebot broadcast FILE`, end to end: every active subscriber gets an announcement once."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from datetime import time
from pathlib import Path

from sqlalchemy import func, select

from fakebotapi import FakeBotApi
from nudgebot.clock import SystemClock
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.db.models import Delivery
from nudgebot.domain.statuses import DeliveryKind
from nudgebot.services.broadcasts import BroadcastService
from nudgebot.services.subscriptions import SubscriptionService
from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import subscribe

NEWS = "<b>Good news:</b> /progress now shows your best week."
NEWS_SEEN = "Good news: /progress now shows your best week."


def env_for(fake: FakeBotApi, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGEBOT_", "TELEGRAM_"))}
    return env | {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
        "NUDGEBOT_DATABASE_URL": database_url,
        **extra,
    }


async def start_broadcast(env: dict[str, str], *args: str, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nudgebot",
        "broadcast",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def broadcast(env: dict[str, str], *args: str, cwd: Path) -> str:
    """Run the command to its end; returns what it printed."""
    process = await start_broadcast(env, *args, cwd=cwd)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, stderr.decode()
    assert env["TELEGRAM_BOT_TOKEN"] not in stdout.decode() + stderr.decode()
    return stdout.decode()


def announcement(tmp_path: Path, text: str = NEWS, name: str = "news.html") -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def copies(fake: FakeBotApi, chat_id: int, seen: str = NEWS_SEEN) -> int:
    return sum(1 for message in fake.messages(chat_id) if message.text == seen)


async def seed_subscribers(database_url: str, chats: range) -> None:
    """Subscribers who finished /start, written straight to the database."""
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        service = SubscriptionService(
            create_session_factory(engine),
            SystemClock(),
            default_timezone="UTC",
            default_send_time=time(9),
        )
        for chat in chats:
            await service.start(chat, user_id=chat, language_code="en")
    finally:
        await engine.dispose()


async def test_an_enqueued_broadcast_reaches_each_active_subscriber_once_via_the_running_bot(
    bot: Bot, database_url: str, tmp_path: Path
) -> None:
    ada, bob, cy, dee = (bot.fake.user(n) for n in (1, 2, 3, 4))
    for user in (ada, bob, cy, dee):
        await subscribe(bot, user)
    await bot.say(dee, "/pause")
    bot.fake.block(cy.chat_id)
    env = env_for(bot.fake, database_url)
    printed = await broadcast(env, announcement(tmp_path), "--enqueue-only", cwd=tmp_path)
    assert "queued" in printed
    await bot.fake.wait_for_message(ada.chat_id, NEWS_SEEN)
    await bot.fake.wait_for_message(bob.chat_id, NEWS_SEEN)
    await bot.deliver_now()
    await bot.deliver_now()
    assert [copies(bot.fake, u.chat_id) for u in (ada, bob, cy, dee)] == [1, 1, 0, 0]
    row = await bot.subscriber(cy.chat_id)
    assert row is not None
    assert row.status == "blocked"


async def test_two_broadcasts_on_one_day_both_reach_a_subscriber(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    service = BroadcastService(bot.sessions, bot.clock)  # what --enqueue-only does
    await service.record("Morning note")
    await service.record("Evening note")
    await bot.fake.wait_for_message(ada.chat_id, "Morning note")
    await bot.fake.wait_for_message(ada.chat_id, "Evening note")


async def test_the_command_sends_to_everyone_prints_a_summary_and_a_rerun_sends_nothing_more(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    await seed_subscribers(url, range(1, 6))
    async with FakeBotApi(accept_any_chat=True) as fake:
        fake.block(5)
        env = env_for(fake, url)
        file = announcement(tmp_path)
        first = await broadcast(env, file, cwd=tmp_path)
        again = await broadcast(env, file, cwd=tmp_path)
        by_id = await broadcast(env, "--resume", "1", cwd=tmp_path)
        assert [copies(fake, chat) for chat in range(1, 6)] == [1, 1, 1, 1, 0]
    assert "recorded for 5 subscribers" in first
    assert "sent 4, blocked 1" in first
    assert "continuing it" in again
    assert "sent 4, blocked 1" in again
    assert "sent 4, blocked 1" in by_id


async def test_a_broadcast_killed_mid_way_and_run_again_reaches_everyone_at_most_once(
    tmp_path: Path,
) -> None:
    subscribers = 600
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    await seed_subscribers(url, range(1, subscribers + 1))
    async with FakeBotApi(latency=0.05, accept_any_chat=True) as fake:
        env = env_for(fake, url, NUDGEBOT_SEND_RATE="200")
        file = announcement(tmp_path)
        process = await start_broadcast(env, file, cwd=tmp_path)
        # Mid-way: the first batches are recorded, one is claimed and partly sent.
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 250, timeout=60)
        process.kill()
        await process.wait()
        sent_before = len(fake.calls_to("sendMessage"))
        printed = await broadcast(env, file, cwd=tmp_path)
        sends = Counter(
            call.params["chat_id"] for call in fake.calls_to("sendMessage") if call.status == 200
        )
    assert sent_before < subscribers
    assert max(sends.values()) == 1
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            sent_chats = set(
                (
                    await connection.execute(
                        select(Delivery.chat_id).where(
                            Delivery.kind == DeliveryKind.BROADCAST, Delivery.status == "sent"
                        )
                    )
                ).scalars()
            )
            statuses = Counter(
                dict(
                    (
                        await connection.execute(
                            select(Delivery.status, func.count())
                            .where(Delivery.kind == DeliveryKind.BROADCAST)
                            .group_by(Delivery.status)
                        )
                    ).all()
                )
            )
    finally:
        await engine.dispose()
    # What the killed run had claimed but not recorded is 'maybe sent': never sent again, and
    # counted (as 'in flight' until its lease runs out, then as 'unknown').
    maybe_sent = statuses["claimed"] + statuses["unknown"]
    assert 0 < maybe_sent <= 200  # one batch at most
    assert statuses["sent"] + maybe_sent == subscribers
    assert all(sends[chat] == 1 for chat in sent_chats)
    assert f"in flight {maybe_sent}" in printed


async def test_sigterm_stops_after_recording_the_batch_in_flight_so_nothing_is_left_unknown(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    await seed_subscribers(url, range(1, 601))
    async with FakeBotApi(latency=0.05, accept_any_chat=True) as fake:
        env = env_for(fake, url, NUDGEBOT_SEND_RATE="200")
        process = await start_broadcast(env, announcement(tmp_path), cwd=tmp_path)
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 100, timeout=60)
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert "run the same command again" in stderr.decode()
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            statuses = set(
                (
                    await connection.execute(
                        select(Delivery.status).where(Delivery.kind == DeliveryKind.BROADCAST)
                    )
                ).scalars()
            )
    finally:
        await engine.dispose()
    assert statuses == {"sent", "pending"}
