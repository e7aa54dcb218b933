"""Tick benchmarks: an empty tick with many subscribers none due; or N due at the same minute.

`--due N` seeds N subscribers due at one minute (in a child process, so seeding does not count
against this process's memory), then drains them with the real engine against the fake Bot API
in its own process, and prints: RSS during the drain (goal <= 150 MB: batches are streamed,
never all loaded), the longest event-loop stall seen by a probe task (goal <= 50 ms), and how
many were dropped (goal 0: every subscriber has a 'sent' delivery).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from telegram import Bot
from telegram.ext import ExtBot

# Run as `python bench/tick.py`: make the project root importable for the shared seeding code.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.delivery import (
    POSTGRES_URL,
    TOKEN,
    FakeServer,
    fresh_database,
    seed_subscribers,
)
from bench.measure import current_rss_mb, header, rss_mib
from nudgebot.clock import SystemClock
from nudgebot.content.loader import load_content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.models import Delivery
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.sources.tips import TipSource
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.telegram.lean_request import LeanHttpRequest
from nudgebot.telegram.rate_limiter import SendRateLimiter
from nudgebot.web.heap import freeze_startup_heap

EMPTY_TICKS = 20
PROBE_INTERVAL = 0.005
RSS_GOAL_MB = 150
STALL_GOAL_MS = 50


class Probe:
    """Wakes every 5 ms: the longest extra gap is the longest stall; samples RSS as it goes."""

    def __init__(self) -> None:
        self.longest_stall = 0.0
        self.max_rss_mb = 0.0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Probe:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        wakes = 0
        while True:
            before = loop.time()
            await asyncio.sleep(PROBE_INTERVAL)
            self.longest_stall = max(self.longest_stall, loop.time() - before - PROBE_INTERVAL)
            wakes += 1
            if wakes % 20 == 0:
                self.max_rss_mb = max(self.max_rss_mb, current_rss_mb())


async def due_at_once(args: argparse.Namespace, url: str) -> None:
    """N subscribers due at one minute (seeded already), drained by the real engine."""
    engine = create_engine(url)
    fake = FakeServer(args.latency_ms)
    request = LeanHttpRequest(connection_pool_size=args.concurrency, pool_timeout=None)
    limiter = SendRateLimiter(overall_per_second=100_000, burst=args.concurrency)
    bot = ExtBot(TOKEN, base_url=fake.base_url, request=request, rate_limiter=limiter)
    options = EngineOptions(concurrency=args.concurrency, send_rate=100_000)
    try:
        async with bot:
            delivery = DeliveryEngine(
                create_session_factory(engine),
                bot,
                SystemClock(),
                options,
                [TipSource(load_content(), options)],
            )
            freeze_startup_heap()  # as `nudgebot run` does once it has started
            rss_start = current_rss_mb()
            async with Probe() as probe:
                drain_started = time.perf_counter()
                report = await delivery.tick()
                elapsed = time.perf_counter() - drain_started
        async with engine.connect() as connection:
            sent = (
                await connection.execute(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.status == DeliveryStatus.SENT)
                )
            ).scalar_one()
    finally:
        fake.stop()
        await engine.dispose()
    dropped = args.due - sent
    print(
        f"engine: {report.summary()} in {elapsed:.1f} s ({args.due / elapsed:.0f} nudges/s, "
        f"batches of {options.batch_size}, concurrency {args.concurrency}, "
        f"fake round trip {args.latency_ms} ms)"
    )
    print(
        f"RSS during the drain: {rss_start:.0f} MB at start, max {probe.max_rss_mb:.0f} MB "
        f"(goal <= {RSS_GOAL_MB} MB: {'met' if probe.max_rss_mb <= RSS_GOAL_MB else 'NOT met'})"
    )
    stall_ms = probe.longest_stall * 1e3
    print(
        f"longest event-loop stall: {stall_ms:.0f} ms "
        f"(goal <= {STALL_GOAL_MS} ms: {'met' if stall_ms <= STALL_GOAL_MS else 'NOT met'})"
    )
    print(f"dropped: {dropped} (goal 0); sent {sent} of {args.due}")


async def seed_only(url: str, count: int, *, tomorrow: bool = False) -> None:
    kind = "sqlite" if url.startswith("sqlite") else "postgres"
    directory = Path(url.removeprefix("sqlite+aiosqlite:///")).parent
    engine = await fresh_database(kind, directory, url)
    due = datetime.now(UTC).replace(second=0, microsecond=0)
    if tomorrow:
        due += timedelta(days=1)
    await seed_subscribers(engine, count, due)
    await engine.dispose()


def seed_in_child(url: str, count: int, *, tomorrow: bool) -> float:
    """Seeds in a child process, so seeding does not count against this process's memory."""
    started = time.perf_counter()
    command = [sys.executable, __file__, "--seed-only", url, "--due", str(count)]
    subprocess.run([*command, "--tomorrow"] if tomorrow else command, check=True)
    return time.perf_counter() - started


async def main_async(args: argparse.Namespace) -> None:
    print(header())
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
        seeded = seed_in_child(url, args.subscribers, tomorrow=True)
        print(
            f"seeded {args.subscribers} subscribers (due tomorrow) in a child process "
            f"({seeded:.1f} s); this process before start-up: RSS {current_rss_mb():.0f} MB"
        )
        engine = create_engine(url)
        started = time.perf_counter()
        # Never initialized: an empty tick sends nothing, so no network is touched.
        bot = Bot(TOKEN, base_url="http://127.0.0.1:9/bot")
        options = EngineOptions()
        delivery = DeliveryEngine(
            create_session_factory(engine),
            bot,
            SystemClock(),
            options,
            [TipSource(load_content(), options)],
        )
        built = time.perf_counter() - started
        report = await delivery.tick()
        startup = time.perf_counter() - started
        assert report.claimed == 0, "nothing should be due"
        print(
            f"start-up: {startup * 1e3:.1f} ms (engine construction incl. content load "
            f"{built * 1e3:.1f} ms + first empty tick {(startup - built) * 1e3:.1f} ms)"
        )

        durations = []
        for _ in range(EMPTY_TICKS):
            tick_started = time.perf_counter()
            await delivery.tick()
            durations.append(time.perf_counter() - tick_started)
        print(
            f"empty tick: median {statistics.median(durations) * 1e3:.2f} ms over {EMPTY_TICKS} "
            f"(min {min(durations) * 1e3:.2f}, max {max(durations) * 1e3:.2f})"
        )
        peak_mb = rss_mib() * 1.048576  # MiB to MB, the unit of the goal
        print(
            f"RSS after the ticks: {current_rss_mb():.0f} MB now, peak {peak_mb:.0f} MB "
            f"(goal <= {RSS_GOAL_MB} MB: {'met' if peak_mb <= RSS_GOAL_MB else 'NOT met'})"
        )
        await engine.dispose()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1_000_000, help="the empty tick")
    parser.add_argument("--due", type=int, default=0, help="N due at one minute instead")
    parser.add_argument("--latency-ms", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL.replace("/test", "/bench_scale"),
        help="its public schema is dropped first",
    )
    parser.add_argument("--seed-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--tomorrow", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    if args.seed_only:
        asyncio.run(seed_only(args.seed_only, args.due, tomorrow=args.tomorrow))
    elif args.due:
        print(header())
        with tempfile.TemporaryDirectory() as directory:
            url = (
                f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}"
                if args.database == "sqlite"
                else args.postgres_url
            )
            seeded = seed_in_child(url, args.due, tomorrow=False)
            print(
                f"seeded {args.due} subscribers due at one minute in a child process "
                f"({seeded:.1f} s); {args.database}"
            )
            asyncio.run(due_at_once(args, url))
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
