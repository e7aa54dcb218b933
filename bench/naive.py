"""The tutorial design, measured: one `job_queue.run_daily` per subscriber, all at one minute.

Builds a real python-telegram-bot Application with its JobQueue (APScheduler, default settings),
registers N daily jobs for the same time a little ahead, then lets them fire. Each job stands
for one send: it waits a simulated round trip (no network). Prints the registration time, RSS,
how many jobs fired and how many APScheduler dropped as missed (misfire_grace_time is 1 s by
default), lateness, and the longest event-loop stall (a probe task that should wake every 5 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobEvent,
)
from telegram.ext import ApplicationBuilder, ContextTypes

# Run as `python bench/naive.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.delivery import TOKEN
from bench.measure import current_rss_mib, header, rss_mib

PROBE_INTERVAL = 0.005


class StallProbe:
    """Wakes every 5 ms; the longest gap beyond that is the longest the loop was blocked.

    APScheduler starts every due job as a task only after it has gone through all of them in
    one synchronous pass, so the stall also decides how many jobs it drops as missed.
    """

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def reset(self) -> float:
        longest, self.longest = self.longest, 0.0
        return longest

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(PROBE_INTERVAL)
            self.longest = max(self.longest, loop.time() - before - PROBE_INTERVAL)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def main_async(args: argparse.Namespace) -> None:
    print(header())
    n = args.subscribers
    application = ApplicationBuilder().token(TOKEN).build()
    job_queue = application.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    fired_at: list[float] = []
    outcomes = {"executed": 0, "missed": 0, "error": 0}

    def listen(event: JobEvent) -> None:
        kind = {EVENT_JOB_EXECUTED: "executed", EVENT_JOB_MISSED: "missed"}.get(event.code, "error")
        outcomes[kind] += 1

    job_queue.scheduler.add_listener(
        listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR
    )

    async def send_tip(context: ContextTypes.DEFAULT_TYPE) -> None:
        fired_at.append(time.time())
        await asyncio.sleep(args.latency_ms / 1000)  # the round trip of one sendMessage

    probe = StallProbe()
    probe.start()
    await job_queue.start()
    await asyncio.sleep(0.05)
    rss_before = current_rss_mib()
    # Far enough ahead that registering every job finishes first (the tutorial does this at
    # start-up, in the event loop, exactly like this).
    fire = (datetime.now(UTC) + timedelta(seconds=args.lead_seconds)).replace(microsecond=0)
    probe.reset()
    started = time.perf_counter()
    for i in range(n):
        job_queue.run_daily(send_tip, fire.timetz(), chat_id=1_000_000 + i, name=f"tip-{i}")
    registration = time.perf_counter() - started
    await asyncio.sleep(4 * PROBE_INTERVAL)  # the probe wakes and sees how long it slept
    stall_registering = probe.reset()
    rss_after = current_rss_mib()
    if datetime.now(UTC) >= fire:
        print(
            "registration ended after the fire time: "
            f"rerun with --lead-seconds > {registration:.0f}"
        )
    print(
        f"registered {n} run_daily jobs in {registration:.2f} s "
        f"({registration / n * 1e6:.0f} us/job), loop blocked {stall_registering * 1e3:.0f} ms"
    )
    print(
        f"RSS: {rss_before:.0f} MiB before, {rss_after:.0f} MiB after registration "
        f"(+{(rss_after - rss_before) / n * 2**20 / 1024:.2f} KiB/job)"
    )
    await asyncio.sleep(max(0.0, (fire - datetime.now(UTC)).total_seconds()))
    probe.reset()
    deadline = time.monotonic() + args.wait_seconds
    while outcomes["executed"] + outcomes["missed"] + outcomes["error"] < n:
        if time.monotonic() > deadline:
            print(f"gave up waiting after {args.wait_seconds} s")
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(4 * PROBE_INTERVAL)
    stall_firing = probe.reset()
    await probe.stop()
    await job_queue.stop(wait=False)
    lateness = sorted(t - fire.timestamp() for t in fired_at)
    print(
        f"fired {len(fired_at)}, missed {outcomes['missed']} (APScheduler dropped them: more "
        f"than misfire_grace_time late), errors {outcomes['error']}, of {n}"
    )
    if lateness:
        print(
            f"lateness of fired jobs: median {statistics.median(lateness):.2f} s, "
            f"p99 {lateness[int(0.99 * (len(lateness) - 1))]:.2f} s, max {lateness[-1]:.2f} s"
        )
    print(f"longest event-loop stall while firing: {stall_firing * 1e3:.0f} ms")
    print(f"peak RSS: {rss_mib():.0f} MiB")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="simulated round trip")
    parser.add_argument(
        "--lead-seconds",
        type=float,
        default=30.0,
        help="how far ahead the jobs are set: longer than registration takes",
    )
    parser.add_argument("--wait-seconds", type=float, default=300.0)
    return parser.parse_args(argv)


def main() -> None:
    asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    main()
