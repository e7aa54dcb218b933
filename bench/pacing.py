"""Pacing benchmark: a same-minute cohort against a fake that enforces Telegram's flood limits.

The fake (fakebotapi, in this process) answers 429 above R sends in any sliding second or
above 1 per chat per second; the real engine, built as `nudgebot run` builds it, sends with
NUDGEBOT_SEND_RATE=R. Prints the 429 count, throughput against R, the time the cohort took
against its physical limit C/R x 1.05 + 2 s, and lateness against each subscriber's minute.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as `python bench/pacing.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.delivery import fresh_database, seed_subscribers
from bench.measure import header
from fakebotapi import Call, FakeBotApi
from fakebotapi.ceiling import RateCeiling
from nudgebot.app.builder import build_application
from nudgebot.config import Settings


class ShiftedClock:
    """Real time, shifted so that the cohort's minute starts when the benchmark does."""

    def __init__(self, minute: datetime) -> None:
        self.offset = minute - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def main_async(args: argparse.Namespace) -> None:
    print(header())
    rate, cohort = args.rate, args.subscribers
    with tempfile.TemporaryDirectory() as directory:
        minute = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        database = await fresh_database(args.database, Path(directory), args.postgres_url)
        await seed_subscribers(database, cohort, minute)
        url = database.url.render_as_string(hide_password=False)
        await database.dispose()
        async with FakeBotApi(latency=args.latency_ms / 1000, accept_any_chat=True) as fake:
            fake.ceiling = RateCeiling(per_second=rate, burst=args.fake_burst)
            arrivals: list[float] = []

            def on_call(call: Call) -> None:
                if call.method == "sendMessage" and call.status == 200:
                    arrivals.append(time.time())

            fake.on_call = on_call
            settings = Settings(
                TELEGRAM_BOT_TOKEN=fake.token,
                NUDGEBOT_DATABASE_URL=url,
                NUDGEBOT_TELEGRAM_API_URL=fake.base_url,
                NUDGEBOT_SEND_RATE=rate,
            )
            clock = ShiftedClock(minute)
            application = build_application(settings, clock=clock, migrate=False)
            engine = application.bot_data.runtime.engine
            async with application.bot:
                started = time.time()
                report = await engine.tick()
                elapsed = time.time() - started
            await application.bot_data.runtime.database.dispose()
        refused = fake.ceiling.refused
    limit = cohort / rate * 1.05 + 2
    lateness = [arrival + clock.offset.total_seconds() - minute.timestamp() for arrival in arrivals]
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    throughput = (len(arrivals) - 1) / span if span else 0.0
    print(
        f"cohort C={cohort} at one minute, limiter and fake at R={rate}/s "
        f"(the fake tolerates {args.fake_burst} more in any second), "
        f"{args.database}, fake round trip {args.latency_ms} ms"
    )
    print(f"engine: {report.summary()}")
    print(f"429 answers: {refused} (goal 0)")
    print(
        f"throughput: {throughput:.2f} msgs/s = {throughput / rate:.1%} of R (goal >= 95%), "
        f"first to last accepted send"
    )
    print(
        f"cohort delivered in {elapsed:.1f} s; limit C/R x 1.05 + 2 = {limit:.1f} s: "
        f"{'within' if elapsed <= limit else 'OVER'}"
    )
    print(
        f"lateness against the chosen minute: median {statistics.median(lateness):.1f} s, "
        f"p99 {percentile(lateness, 0.99):.1f} s, max {max(lateness):.1f} s "
        f"(physical floor: the last of C waits C/R = {cohort / rate:.1f} s)"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=30.0, help="R: sends per second")
    parser.add_argument("--subscribers", type=int, default=1000, help="C: the cohort")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument(
        "--fake-burst",
        type=int,
        default=0,
        help="sends the fake tolerates above R in any sliding second (0: strict)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench_scale",
        help="its public schema is dropped first",
    )
    return parser.parse_args(argv)


def main() -> None:
    asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    main()
