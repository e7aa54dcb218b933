"""SIGTERM to a real `nudgebot run` mid-delivery: in-flight sends finish, are recorded, exit 0."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.db.models import Delivery
from nudgebot.services.subscriptions import SubscriptionService
from tests.e2e.service import free_port

SUBSCRIBERS = 210
FIRST_CHAT = 1001
# At 16 in flight and 0.5 s a round trip, 210 tips take about 7 s: SIGTERM comes early, so
# claims after it would show as many more rows than were claimed when it arrived.
CONCURRENCY = 16
LATENCY = 0.5


async def seed_due_subscribers(database_url: str) -> None:
    """SUBSCRIBERS people whose tip fell due a few minutes ago, by the real clock."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        clock = ManualClock(now - timedelta(minutes=30))
        service = SubscriptionService(
            create_session_factory(engine),
            clock,
            default_timezone="UTC",
            default_send_time=(now - timedelta(minutes=20)).time(),
        )
        for chat in range(FIRST_CHAT, FIRST_CHAT + SUBSCRIBERS):
            await service.start(chat, user_id=chat, language_code="en")
    finally:
        await engine.dispose()


async def deliveries(database_url: str) -> list[Delivery]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.execute(select(Delivery))).scalars())
    finally:
        await engine.dispose()


async def test_sigterm_mid_delivery_finishes_and_records_in_flight_sends_then_exits_0(
    tmp_path: Path, database_url: str
) -> None:
    assert SUBSCRIBERS > 4 * CONCURRENCY
    await seed_due_subscribers(database_url)
    async with FakeBotApi(latency=LATENCY, accept_any_chat=True) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGEBOT_", "TELEGRAM_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
            "NUDGEBOT_DATABASE_URL": database_url,
            "NUDGEBOT_TICK_SECONDS": "1",
            "NUDGEBOT_SEND_RATE": "1000",
            "NUDGEBOT_SEND_CONCURRENCY": str(CONCURRENCY),
            "NUDGEBOT_SHUTDOWN_SECONDS": "120",
            "NUDGEBOT_PORT": str(free_port()),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nudgebot",
            "run",
            "--log-format",
            "json",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 20, timeout=60)
        finally:
            sent_at_signal = len(fake.calls_to("sendMessage"))
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 150)
        accepted = {
            (call.params["chat_id"], call.result["message_id"])  # type: ignore[index]
            for call in fake.calls_to("sendMessage")
            if call.status == 200
        }
    log = stderr.decode()
    assert process.returncode == 0, log
    assert fake.token not in log
    assert all(json.loads(line)["message"] for line in log.splitlines())
    rows = await deliveries(database_url)
    assert {row.status for row in rows} <= {"sent", "retry"}, log
    # Every message Telegram took is on record as sent, and nothing else is.
    assert {(row.chat_id, row.message_id) for row in rows if row.status == "sent"} == accepted
    # What was in flight finished; no new work was taken. The engine keeps at most CONCURRENCY
    # claimed and unrecorded; one more window covers claims made while the signal was on its way.
    assert len(rows) <= sent_at_signal + 2 * CONCURRENCY
    assert len(rows) < SUBSCRIBERS
