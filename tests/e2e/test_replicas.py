"""Several engine processes on one PostgreSQL database: every subscriber exactly one tip."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fakebotapi import FakeBotApi
from nudgebot.db.models import Delivery
from tests.databases import reset_postgres
from tests.e2e.scale import (
    count_by,
    engine_env,
    seed_due_subscribers,
    start_deliver_once,
    tips_received,
)

SUBSCRIBERS = 5000
REPLICAS = 3


async def test_three_replicas_share_the_work_and_every_subscriber_gets_exactly_one_tip(
    figure: Callable[[str], None],
) -> None:
    url = await reset_postgres()
    chats = await seed_due_subscribers(url, SUBSCRIBERS, datetime.now(UTC) - timedelta(minutes=1))
    async with FakeBotApi(latency=0.02, accept_any_chat=True) as fake:
        env = engine_env(fake, url)
        processes = [await start_deliver_once(env) for _ in range(REPLICAS)]
        outputs = await asyncio.wait_for(
            asyncio.gather(*(process.communicate() for process in processes)), 240
        )
        for process, (_, stderr) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, stderr.decode()[-2000:]
        tips = tips_received(fake)
    per_replica = await count_by(url, Delivery.claimed_by)
    statuses = await count_by(url, Delivery.status)
    figure(f"replicas: {SUBSCRIBERS} subscribers, sent per replica {sorted(per_replica.values())}")
    assert set(tips) == set(chats)
    assert max(tips.values()) == 1
    assert statuses == {"sent": SUBSCRIBERS}
    assert len(per_replica) == REPLICAS, per_replica
    assert all(count > 0 for count in per_replica.values())
