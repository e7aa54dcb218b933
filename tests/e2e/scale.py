"""Shared by the tests at scale: due subscribers seeded in bulk, the engine as a subprocess."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import InstrumentedAttribute

from fakebotapi import FakeBotApi
from nudgebot.db.engine import create_engine
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.db.models import Delivery, Subscriber

FIRST_CHAT = 1


async def seed_due_subscribers(url: str, count: int, due: datetime) -> list[int]:
    """Migrate, then insert `count` active subscribers in UTC due at `due`; returns chat ids."""
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
        chats = list(range(FIRST_CHAT, FIRST_CHAT + count))
        rows = [
            {
                "chat_id": chat,
                "status": "active",
                "timezone": "UTC",
                "send_time": due.time().replace(second=0, microsecond=0),
                "next_due_at": due,
                "next_local_date": due.date(),
                "cycle_seen": "",
                "created_at": due,
                "updated_at": due,
            }
            for chat in chats
        ]
        async with engine.begin() as connection:
            await connection.execute(insert(Subscriber), rows)
    finally:
        await engine.dispose()
    return chats


def engine_env(fake: FakeBotApi, url: str, **settings: str) -> dict[str, str]:
    """The environment of an engine process: this one's, minus any nudgebot setting, plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGEBOT_", "TELEGRAM_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
        "NUDGEBOT_DATABASE_URL": url,
        "NUDGEBOT_SEND_RATE": "1000",
    }
    return env | settings


async def start_deliver_once(env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m nudgebot deliver --once`, output captured."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nudgebot",
        "deliver",
        "--once",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def tips_received(fake: FakeBotApi) -> Counter[int]:
    """Tips the fake took in and answered with a message, per chat.

    Every subscriber is due once in these tests, so per chat is per chat and local day.
    """
    return Counter(
        int(call.params["chat_id"])
        for call in fake.calls_to("sendMessage")
        if call.status == 200 and call.params.get("reply_markup")
    )


async def ledger_by_chat(url: str) -> dict[int, str]:
    """Each subscriber's delivery status, by chat (every one has at most one row here)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Subscriber.chat_id, Delivery.status).join(
                    Delivery, Delivery.subscriber_id == Subscriber.id
                )
            )
            return {int(chat): str(status) for chat, status in rows.all()}
    finally:
        await engine.dispose()


async def unknown_reasons(url: str) -> Counter[str]:
    """Why deliveries are 'unknown', by error text (for the figures a test prints)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Delivery.error).where(Delivery.status == "unknown")
            )
            return Counter(str(error)[:60] for (error,) in rows.all())
    finally:
        await engine.dispose()


async def count_by(url: str, column: InstrumentedAttribute[Any]) -> dict[str, int]:
    """Deliveries counted by one of their columns (status, claimed_by, ...)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(column, func.count()).select_from(Delivery).group_by(column)
            )
            return {str(key): int(n) for key, n in rows.all()}
    finally:
        await engine.dispose()


async def unknown_by_claimer(url: str) -> dict[str, int]:
    """'unknown' deliveries by the process that claimed them: what each crash cost."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Delivery.claimed_by, func.count())
                .where(Delivery.status == "unknown")
                .group_by(Delivery.claimed_by)
            )
            return {str(claimer): int(n) for claimer, n in rows.all()}
    finally:
        await engine.dispose()
