"""Several engine processes on one PostgreSQL database: every subscriber exactly one tip."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from nudgebot.db.engine import create_engine
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.db.models import Delivery, Subscriber
from tests.conftest import reset_postgres
from tests.fakebotapi import FakeBotApi

SUBSCRIBERS = 3000
REPLICAS = 3


async def seed_due_subscribers(url: str) -> None:
    engine = create_engine(url)
    await upgrade_to_head(engine)
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    rows = [
        {
            "chat_id": chat,
            "status": "active",
            "timezone": "UTC",
            "send_time": due.strftime("%H:%M"),
            "next_due_at": due,
            "next_local_date": due.date(),
            "cycle_seen": "",
            "created_at": now,
            "updated_at": now,
        }
        for chat in range(1, SUBSCRIBERS + 1)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(Subscriber), rows)
    await engine.dispose()


async def test_three_replicas_share_the_work_and_nobody_gets_two_tips() -> None:
    url = await reset_postgres()
    await seed_due_subscribers(url)
    async with FakeBotApi(latency=0.02, accept_any_chat=True) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGEBOT_", "TELEGRAM_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
            "NUDGEBOT_DATABASE_URL": url,
            "NUDGEBOT_SEND_RATE": "1000",
        }
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "nudgebot",
                "deliver",
                "--once",
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(REPLICAS)
        ]
        outputs = await asyncio.wait_for(
            asyncio.gather(*(process.communicate() for process in processes)), 240
        )
        for process, (_, stderr) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, stderr.decode()[-2000:]
        sends = Counter(
            call.params["chat_id"] for call in fake.calls_to("sendMessage") if call.status == 200
        )
    assert len(sends) == SUBSCRIBERS
    assert max(sends.values()) == 1
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            per_replica = dict(
                (
                    await connection.execute(
                        select(Delivery.claimed_by, func.count()).group_by(Delivery.claimed_by)
                    )
                ).all()
            )
            statuses = dict(
                (
                    await connection.execute(
                        select(Delivery.status, func.count()).group_by(Delivery.status)
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert statuses == {"sent": SUBSCRIBERS}
    assert len(per_replica) == REPLICAS, per_replica
    assert all(count > 0 for count in per_replica.values())
