"""Replies during the morning rush: reply latency with and without a cohort draining, and tips/s.

The real Application (handlers, rate limiter, update processor, delivery engine, as
`nudgebot run --webhook` builds it) sends to the lean fake Bot API in its own process. Updates
are put on the Application's update queue, as the poller would; a reply's latency runs from
there to the answer of its sendMessage, so it counts the handler, the rate limiter, the
database and the fake's round trip. First a quiet phase (users and a burst, nothing due), then
a cohort due at one minute drains at R while the same users write again and a burst of users
writes at one instant. Each user sends /help, /settings and a check-in in each phase.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

# Run as `python bench/replies.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.delivery import (
    TOKEN,
    FakeServer,
    command_line,
    fresh_database,
    seed_subscribers,
)
from nudgebot.app.builder import build_application
from nudgebot.app.runtime import NudgeApp
from nudgebot.config import Settings
from nudgebot.telegram.lean_request import LeanHttpRequest

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_replies"
FIRST_USER_ID = 9_000_001
MESSAGES = ("/help", "/settings", "done: a ten minute walk after lunch")
QUIET_SECONDS = 20.0  # users write, then a burst, before the cohort is due
BURST_AFTER_DRAIN_STARTS = 30.0
# Seconds before each of a user's messages: the three fit in the quiet phase, and in the drain
# (100 s for 3,000 at 30/s) they spread over most of it.
QUIET_PAUSE = (0.5, 4.0)
DRAIN_PAUSE = (3.0, 30.0)


@dataclass
class Watch:
    """When each sendMessage's answer came back, per chat; a waiter per chat for the next."""

    cohort: int
    tips: list[float] = field(default_factory=list)
    replies: int = 0
    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)
    first_tip: asyncio.Event = field(default_factory=asyncio.Event)
    last_tip: asyncio.Event = field(default_factory=asyncio.Event)

    def draining(self) -> bool:
        return self.first_tip.is_set() and not self.last_tip.is_set()

    def answered(self, chat_id: int) -> None:
        now = time.perf_counter()
        if chat_id < FIRST_USER_ID:
            self.tips.append(now)
            self.first_tip.set()
            if len(self.tips) >= self.cohort:
                self.last_tip.set()
            return
        self.replies += 1
        waiter = self.waiting.pop(chat_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(now)

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        waiter = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = waiter
        return waiter


class TimedRequest(LeanHttpRequest):
    """The send path `nudgebot run` uses, noting when each sendMessage was answered."""

    def __init__(self, watch: Watch, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.watch = watch

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        answer = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if url.endswith("/sendMessage") and request_data is not None:
            self.watch.answered(int(request_data.parameters["chat_id"]))
        return answer


@dataclass
class Users:
    """Subscribers who write to the bot; each message's latency is kept by phase."""

    app: NudgeApp
    watch: Watch
    next_update: int = 1
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def update(self, chat_id: int, text: str) -> Update:
        user = {"id": chat_id, "is_bot": False, "first_name": "Ada", "language_code": "en"}
        message: dict[str, Any] = {
            "message_id": self.next_update,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Ada"},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        update = Update.de_json({"update_id": self.next_update, "message": message}, self.app.bot)
        self.next_update += 1
        return update

    async def write(self, phase: str, chat_id: int, text: str) -> None:
        answered = self.watch.expect(chat_id)
        started = time.perf_counter()
        await self.app.update_queue.put(self.update(chat_id, text))
        latency = await asyncio.wait_for(answered, timeout=60) - started
        self.latencies.setdefault(phase, []).append(latency)

    async def burst(self, phase: str, chats: Sequence[int]) -> None:
        await asyncio.gather(*(self.write(phase, chat, "/help") for chat in chats))


async def seed_users(engine: AsyncEngine, count: int, due_at: datetime) -> list[int]:
    """The users who write during the bench: subscribers like the cohort, due a day later."""
    await seed_subscribers(engine, count, due_at, first_chat_id=FIRST_USER_ID)
    return list(range(FIRST_USER_ID, FIRST_USER_ID + count))


async def quiet_phase(users: Users, writers: list[int], burst: list[int]) -> None:
    async def one(index: int, chat: int) -> None:
        for turn in range(len(MESSAGES)):
            await asyncio.sleep(random.uniform(*QUIET_PAUSE))
            await users.write("quiet", chat, MESSAGES[(index + turn) % len(MESSAGES)])

    await asyncio.gather(*(one(i, chat) for i, chat in enumerate(writers)))
    await users.burst("quiet burst", burst)


async def drain_phase(users: Users, writers: list[int], burst: list[int]) -> None:
    watch = users.watch
    await watch.first_tip.wait()

    async def one(index: int, chat: int) -> None:
        for turn in range(len(MESSAGES)):
            await asyncio.sleep(random.uniform(*DRAIN_PAUSE))
            if not watch.draining():
                return
            await users.write("drain", chat, MESSAGES[(index + turn) % len(MESSAGES)])

    async def burst_later() -> None:
        await asyncio.sleep(BURST_AFTER_DRAIN_STARTS)
        if watch.draining():
            await users.burst("drain burst", burst)

    await asyncio.gather(burst_later(), *(one(i, chat) for i, chat in enumerate(writers)))
    await watch.last_tip.wait()


def settings_for(args: argparse.Namespace, database_url: str, api_url: str) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        NUDGEBOT_DATABASE_URL=database_url,
        NUDGEBOT_TELEGRAM_API_URL=api_url,
        NUDGEBOT_SEND_RATE=args.rate,
        NUDGEBOT_TICK_SECONDS=1,
        NUDGEBOT_DEFAULT_TIMEZONE="UTC",
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def describe(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none measured"
    ms = sorted(v * 1000 for v in values)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return (
        f"{name}: n={len(ms)}, median {statistics.median(ms):.0f} ms, p90 {p90:.0f} ms, "
        f"max {ms[-1]:.0f} ms"
    )


async def run(args: argparse.Namespace) -> None:
    print(f"$ {command_line()}")
    print(f"load average at start: {load()}")
    random.seed(args.seed)
    fake = FakeServer(args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as directory:
            engine = await fresh_database(args.database, Path(directory), args.postgres_url)
            url = engine.url.render_as_string(hide_password=False)
            due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=QUIET_SECONDS)
            await seed_subscribers(engine, args.cohort, due)
            chats = await seed_users(engine, args.users + args.burst, due + timedelta(days=1))
            await engine.dispose()
            await measure(args, settings_for(args, url, fake.base_url), chats)
    finally:
        fake.stop()


async def measure(args: argparse.Namespace, settings: Settings, chats: list[int]) -> None:
    watch = Watch(args.cohort)
    request = TimedRequest(
        watch,
        connection_pool_size=settings.send_concurrency,
        read_timeout=5.0,
        pool_timeout=None,
    )
    app = build_application(settings, webhook=True, request=request, migrate=False)
    users = Users(app, watch)
    writers, burst = chats[: args.users], chats[args.users :]
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()
    try:
        # Unmeasured: each user once, so pools, caches and connections are warm as in a
        # running bot.
        await asyncio.gather(*(users.write("warm-up", chat, "/help") for chat in chats))
        await quiet_phase(users, writers, burst)
        await drain_phase(users, writers, burst)
    finally:
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
    report(args, users, watch)


def report(args: argparse.Namespace, users: Users, watch: Watch) -> None:
    print(
        f"{args.database}: cohort {args.cohort} due at one minute, R={args.rate:g}/s, fake Bot "
        f"API {args.latency_ms:g} ms round trip; {args.users} users writing "
        f"{', '.join(MESSAGES[:2])} and a check-in, bursts of {args.burst} at one instant"
    )
    for phase in ("quiet", "quiet burst", "drain", "drain burst"):
        name = {
            "quiet": "replies without the drain",
            "quiet burst": f"burst of {args.burst} without the drain",
            "drain": "replies during the drain",
            "drain burst": f"burst of {args.burst} during the drain",
        }[phase]
        print(describe(name, users.latencies.get(phase, [])))
    tips = watch.tips
    seconds = tips[-1] - tips[0] if len(tips) > 1 else 0.0
    rate = (len(tips) - 1) / seconds if seconds else 0.0
    print(
        f"tips: {len(tips)} in {seconds:.1f} s = {rate:.1f} tips/s = {rate / args.rate:.0%} of R "
        f"(replies sent meanwhile and before: {watch.replies})"
    )
    # Time lost to stalls (the engine not feeding the limiter, or the event loop busy), apart
    # from the small lateness every timer has on a loaded machine.
    gaps = [b - a for a, b in pairwise(tips) if b - a > 3 / args.rate]
    print(
        f"gaps between tips over 3/R: {len(gaps)}, {sum(gaps) - len(gaps) / args.rate:.1f} s "
        "lost in them"
    )
    print(f"load average at the end: {load()}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL,
        help="its schema `public` is dropped first: a database of the benchmark's own",
    )
    parser.add_argument("--cohort", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=30.0, help="NUDGEBOT_SEND_RATE")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    return parser.parse_args(argv)


def main() -> None:
    asyncio.run(run(parse_args()))


if __name__ == "__main__":
    main()
