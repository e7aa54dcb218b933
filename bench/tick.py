"""Idle-tick benchmark: how long an empty tick takes with many subscribers, none of them due."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram import Bot

# Run as `python bench/tick.py`: make the project root importable for the shared seeding code.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.delivery import TOKEN, command_line, fresh_database, rss_mib, seed_subscribers
from nudgebot.clock import SystemClock
from nudgebot.content import load_content
from nudgebot.db.engine import create_session_factory
from nudgebot.delivery import DeliveryEngine

EMPTY_TICKS = 20


async def main_async(args: argparse.Namespace) -> None:
    print(f"$ {command_line()}")
    with tempfile.TemporaryDirectory() as directory:
        engine = await fresh_database("sqlite", Path(directory))
        tomorrow = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
        seeded = await seed_subscribers(engine, args.subscribers, tomorrow)
        print(f"seeded {args.subscribers} subscribers (due tomorrow) in {seeded:.2f} s")
        print(f"RSS after seeding: {rss_mib():.0f} MiB (peak)")
        await engine.dispose()  # start-up below opens its connections from cold

        started = time.perf_counter()
        # Never initialized: an empty tick sends nothing, so no network is touched.
        bot = Bot(TOKEN, base_url="http://127.0.0.1:9/bot")
        delivery = DeliveryEngine(
            create_session_factory(engine), bot, load_content(), SystemClock()
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
        await engine.dispose()
    print(f"peak RSS: {rss_mib():.0f} MiB")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    return parser.parse_args(argv)


def main() -> None:
    asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    main()
