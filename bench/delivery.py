"""End-to-end delivery benchmark: the real engine against the fake Bot API in its own process."""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import ExtBot
from telegram.request import BaseRequest, HTTPXRequest

# Run as `python bench/delivery.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# command_line and rss_mib are imported from here by the other benches too.
from bench.measure import command_line, header, proc_cpu_seconds, rss_mib  # noqa: F401
from nudgebot.clock import SystemClock
from nudgebot.content.loader import load_content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.db.models import Delivery, Subscriber
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.delivery.options import PAID_BROADCAST_RATE, EngineOptions
from nudgebot.delivery.sources.tips import TipSource
from nudgebot.domain.statuses import SubscriberStatus
from nudgebot.render.keyboards import as_buttons, tip_buttons
from nudgebot.telegram.aiohttp_request import AiohttpRequest
from nudgebot.telegram.lean_request import LeanHttpRequest
from nudgebot.telegram.rate_limiter import SendRateLimiter

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token-abcdef"
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SEED_CHUNK = 50_000
RAW_CAP = 5_000
HTTPX_CAP = 1_000  # PTB's default transport manages ~100/s here: enough to measure, not to wait
FIRST_CHAT_ID = 1_000_000

T = TypeVar("T")


async def fresh_database(
    kind: str, directory: Path, postgres_url: str = POSTGRES_URL
) -> AsyncEngine:
    """An empty, migrated database: a new SQLite file, or a wiped PostgreSQL schema."""
    if kind == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{directory / 'bench.sqlite3'}")
    else:
        engine = create_engine(postgres_url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade_to_head(engine)
    return engine


async def seed_subscribers(
    engine: AsyncEngine, count: int, due_at: datetime, *, first_chat_id: int = FIRST_CHAT_ID
) -> float:
    """Insert `count` active subscribers due at `due_at` in one transaction; returns seconds."""
    started = time.perf_counter()
    local_date = due_at.date()
    async with engine.begin() as connection:
        for first in range(0, count, SEED_CHUNK):
            rows: list[dict[str, Any]] = [
                {
                    "chat_id": first_chat_id + i,
                    "user_id": first_chat_id + i,
                    "language_code": "en",
                    "status": SubscriberStatus.ACTIVE.value,
                    "timezone": "UTC",
                    "send_time": due_at.time().replace(second=0, microsecond=0),
                    "next_due_at": due_at,
                    "next_local_date": local_date,
                    "cycle_seen": "",
                    "created_at": due_at,
                    "updated_at": due_at,
                }
                for i in range(first, min(first + SEED_CHUNK, count))
            ]
            await connection.execute(insert(Subscriber), rows)
    return time.perf_counter() - started


FAKE_MODULES = {"lean": "fakebotapi.lean", "full": "fakebotapi"}


class FakeServer:
    """The fake Bot API as a child process: `fakebotapi.lean` or the full `fakebotapi`."""

    def __init__(self, latency_ms: float, kind: str = "lean") -> None:
        self.kind = kind
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                FAKE_MODULES[kind],
                "--port",
                "0",
                "--latency-ms",
                f"{latency_ms}",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()
        if not self.base_url:
            raise RuntimeError("the fake Bot API did not start")
        self.pid = self._process.pid

    def stats(self) -> Any:
        root = self.base_url.removesuffix("/bot")
        path = "/_stats" if self.kind == "lean" else "/_fake/stats"
        with urllib.request.urlopen(f"{root}{path}", timeout=10) as response:
            return json.load(response)

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


async def count_deliveries(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(Delivery))).scalar_one()


async def run_engine(
    args: argparse.Namespace, engine: AsyncEngine, base_url: str, journals: Path
) -> tuple[float, float, int]:
    """Ticks until every subscriber has a delivery row; returns (seconds, cpu seconds, ticks).
    The engine journals its sends in `journals` unless --journal off."""
    request = LeanHttpRequest(connection_pool_size=args.concurrency, pool_timeout=None)
    bot: Bot
    # The engine paces its sends at the limiter's rate: the same 100,000/s, unlimited here.
    options = EngineOptions(
        concurrency=args.concurrency,
        batch_size=args.batch_size,
        send_rate=100_000,
        journal_dir=journals if args.journal == "on" else None,
    )
    if args.rate_limiter == "send":
        limiter = SendRateLimiter(overall_per_second=100_000, burst=args.concurrency, chat_burst=3)
        bot = ExtBot(TOKEN, base_url=base_url, request=request, rate_limiter=limiter)
    elif args.rate_limiter == "paid":
        # What NUDGEBOT_PAID_BROADCAST=true builds (app/builder.py): the drain is rate-bound.
        limiter = SendRateLimiter(overall_per_second=30, paid_per_second=PAID_BROADCAST_RATE)
        bot = ExtBot(TOKEN, base_url=base_url, request=request, rate_limiter=limiter)
        options = replace(options, send_rate=30, paid_broadcast=True)
    else:
        bot = Bot(TOKEN, base_url=base_url, request=request)
    async with bot:
        delivery = DeliveryEngine(
            create_session_factory(engine),
            bot,
            SystemClock(),
            options,
            [TipSource(load_content(), options)],
        )
        ticks = 0
        cpu = time.process_time()
        started = time.perf_counter()
        while True:
            report = await delivery.tick()
            ticks += 1
            if report.claimed == 0 and await count_deliveries(engine) >= args.subscribers:
                break
            if ticks > 10_000:
                raise RuntimeError("the engine stopped making progress")
        return time.perf_counter() - started, time.process_time() - cpu, ticks


async def run_raw(
    request: BaseRequest, base_url: str, messages: int, in_flight: int
) -> tuple[float, float]:
    """Bare send_message with `in_flight` workers; returns (messages/s, cpu seconds/message)."""
    content = load_content()
    tip = content.tip(content.tip_ids[0])
    body = content.render_tip(tip)
    keyboard = InlineKeyboardMarkup(as_buttons(tip_buttons(content, 1)))
    async with Bot(TOKEN, base_url=base_url, request=request) as bot:
        counter = iter(range(messages))

        async def worker() -> None:
            for i in counter:
                await bot.send_message(
                    chat_id=FIRST_CHAT_ID + i,
                    text=body,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,
                )

        cpu = time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started
        return messages / elapsed, (time.process_time() - cpu) / messages


async def timed_fake_cpu(fake: FakeServer, step: Awaitable[T]) -> tuple[T, float]:
    before = proc_cpu_seconds(fake.pid)
    result = await step
    return result, proc_cpu_seconds(fake.pid) - before


async def main_async(args: argparse.Namespace) -> None:
    print(header())
    limiter = {
        "send": "ExtBot + SendRateLimiter(overall 100000/s, burst=C, chat_burst=3)",
        "paid": f"ExtBot + SendRateLimiter(paid {PAID_BROADCAST_RATE:.0f}/s), paid broadcast",
        "none": "plain Bot, no rate limiter (raw engine ceiling)",
    }[args.rate_limiter]
    print(
        f"subscribers={args.subscribers} latency={args.latency_ms}ms database={args.database} "
        f"concurrency={args.concurrency} batch_size={args.batch_size}"
    )
    print(f"bot: {limiter}; transport LeanHttpRequest(pool={args.concurrency}, pool_timeout=None)")
    print(f"fake Bot API: {FAKE_MODULES[args.fake]} in its own process")
    print(f"send journal: {args.journal} (as the app runs it: on, in a temporary directory)")
    with tempfile.TemporaryDirectory() as directory:
        engine = await fresh_database(args.database, Path(directory), args.postgres_url)
        due = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
        seeded = await seed_subscribers(engine, args.subscribers, due)
        print(f"seeded {args.subscribers} due subscribers in {seeded:.2f} s")
        fake = FakeServer(args.latency_ms, args.fake)
        try:
            (elapsed, cpu, ticks), fake_cpu = await timed_fake_cpu(
                fake, run_engine(args, engine, fake.base_url, Path(directory) / "journals")
            )
            delivered = await count_deliveries(engine)
            n = args.subscribers
            engine_rate = n / elapsed
            print(
                f"engine: {n} nudges in {elapsed:.2f} s over {ticks} ticks = "
                f"{engine_rate:.0f} nudges/s; {delivered} delivery rows"
            )
            print(
                f"engine CPU: {cpu / n * 1e3:.3f} ms/nudge (this process, {cpu:.1f} s); "
                f"fake Bot API {fake_cpu / n * 1e3:.3f} ms/nudge ({fake_cpu:.1f} s)"
            )
            if args.fake == "lean":
                seen = fake.stats()
                print(
                    f"the fake received {seen['messages']} messages in {seen['chats']} chats, "
                    f"{seen['repeated_messages']} repeated"
                )
            await engine.dispose()
            transports: list[tuple[str, BaseRequest, int]] = [
                (
                    "raw LeanHttpRequest (the engine's transport)",
                    LeanHttpRequest(connection_pool_size=args.concurrency, pool_timeout=None),
                    min(n, RAW_CAP),
                ),
                (
                    "raw AiohttpRequest",
                    AiohttpRequest(connection_pool_size=args.concurrency, pool_timeout=None),
                    min(n, RAW_CAP),
                ),
                (
                    "raw HTTPXRequest (PTB default)",
                    HTTPXRequest(connection_pool_size=args.concurrency, pool_timeout=None),
                    min(n, HTTPX_CAP),
                ),
            ]
            for name, request, raw_n in transports:
                (rate, per_msg), raw_fake_cpu = await timed_fake_cpu(
                    fake, run_raw(request, fake.base_url, raw_n, args.concurrency)
                )
                print(
                    f"{name}: {raw_n} msgs, {rate:.0f} msgs/s, "
                    f"{per_msg * 1e3:.3f} ms CPU/msg (fake {raw_fake_cpu / raw_n * 1e3:.3f}); "
                    f"engine/raw = {engine_rate / rate:.2f}"
                )
            print(f"fake stats: {json.dumps(fake.stats(), sort_keys=True)}")
        finally:
            fake.stop()
    print(f"peak RSS (this process): {rss_mib():.0f} MiB")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL,
        help="its public schema is dropped first; tests/databases.py drops it too, so do not "
        "run the test suite against the same database at the same time",
    )
    parser.add_argument(
        "--rate-limiter",
        choices=("send", "none", "paid"),
        default="send",
        help="send: the app's limiter at 100,000/s (the engine's ceiling); none: no limiter; "
        "paid: as NUDGEBOT_PAID_BROADCAST=true runs it, Telegram's 1,000/s for paid broadcasts",
    )
    parser.add_argument(
        "--journal",
        choices=("on", "off"),
        default="on",
        help="on: the engine journals each send (nudgebot/delivery/journal.py), as the app does",
    )
    parser.add_argument(
        "--fake",
        choices=tuple(FAKE_MODULES),
        default="lean",
        help="lean: fakebotapi/lean.py, a minimal server (the default, so the instrument takes "
        "little of the CPU the bot is measured on); full: the spec-validating fake of the tests",
    )
    return parser.parse_args(argv)


def main() -> None:
    asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    main()
