"""What a crash would cost, sampled instead of killed: at risk against on the wire.

The kill test (tests/e2e/test_kill.py) kills 20 times and divides the 'unknown' it finds by what
the fake had on the wire at each kill; twenty kills leave its figure spread. This runs the same
engines (its zygote, settings and fake) and, every few milliseconds while each one sends, reads
what a kill would cost at that instant, against the requests inside the fake:
- with the send journal, the deliveries the process's journal shows handed over and unanswered
  (what the next engine makes 'unknown');
- without one (another machine settles the claims), the ledger's rows of that process marked as
  handed to the transport and not yet recorded.
Their ratios are what the kill test's figure tends to; hundreds of samples pin each to ~0.02.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

# Run as `python bench/exposure.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.delivery import POSTGRES_URL, fresh_database, seed_subscribers
from bench.measure import header
from fakebotapi import FakeBotApi
from fakebotapi.inflight import InFlight
from nudgebot.db.models import Delivery
from nudgebot.delivery.journal import default_directory, journal_path, read_line
from nudgebot.domain.statuses import DeliveryStatus
from tests.e2e.test_kill import DEFAULTS, PAID, ROUND_TRIP, engines, kill_test_env

LOADS = {"paid": PAID, "defaults": DEFAULTS}


async def claimer(connection: AsyncConnection) -> str | None:
    """The process that claimed last: the one just started."""
    newest = (
        select(Delivery.claimed_by)
        .where(Delivery.status == DeliveryStatus.CLAIMED)
        .order_by(Delivery.claimed_at.desc())
        .limit(1)
    )
    found = (await connection.execute(newest)).scalar()
    await connection.rollback()  # a fresh snapshot for the samples
    return found


async def at_risk(connection: AsyncConnection, claimed_by: str | None) -> int:
    """Rows a kill now would make 'unknown': handed to the transport, not yet recorded."""
    marked = select(func.count()).where(
        Delivery.status == DeliveryStatus.CLAIMED,
        Delivery.attempted_at.is_not(None),
        Delivery.claimed_by == claimed_by,
    )
    count = (await connection.execute(marked)).scalar_one()
    await connection.rollback()  # a fresh snapshot for the next sample
    return int(count)


class OpenHandovers:
    """Reads a send journal as it grows: the deliveries whose last line is a hand-over."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0
        self._open: set[int] = set()

    def count(self) -> int:
        try:
            with self._path.open("rb") as file:
                file.seek(self._offset)
                chunk = file.read()
        except FileNotFoundError:
            return len(self._open)
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._offset += len(complete)
        for line in complete.splitlines(keepends=True):
            read = read_line(line)
            if read is None:
                continue  # the header
            kind, delivery, _ = read
            if kind in (b"h", b"?"):  # what a settle would make 'unknown'
                self._open.add(delivery)
            else:
                self._open.discard(delivery)
        return len(self._open)


async def main_async(args: argparse.Namespace) -> None:
    print(header())
    load = LOADS[args.load]
    with tempfile.TemporaryDirectory() as directory:
        db = await fresh_database(args.database, Path(directory), args.postgres_url)
        url = db.url.render_as_string(hide_password=False)
        await seed_subscribers(db, args.subscribers, datetime.now(UTC) - timedelta(minutes=1))
        print(
            f"{load.name}, {db.url.drivername}, {args.subscribers} due, fake at "
            f"{ROUND_TRIP * 1e3:.0f} ms; {args.processes} processes, each sampled every "
            f"{args.sample_ms:g} ms from {args.skip:g} s to {args.skip + args.window:g} s "
            "after its first send, then killed"
        )
        wire = InFlight()
        risk_sum = wire_sum = journaled_sum = 0.0
        samples = 0
        async with wire.watch(FakeBotApi(latency=ROUND_TRIP, accept_any_chat=True)) as fake:
            journals = Path(directory) / "journals"
            env = kill_test_env(fake, url, journals) | load.env()
            folder = default_directory(url, journals)
            assert folder is not None
            log = Path(directory) / "engines.log"
            async with engines(env, log) as processes, db.connect() as connection:
                loop = asyncio.get_running_loop()
                for _ in range(args.processes):
                    pid = await processes.start_sending(fake)
                    start = loop.time()
                    me = await claimer(connection)
                    journal = OpenHandovers(journal_path(folder, me or ""))
                    await asyncio.sleep(max(0.0, start + args.skip - loop.time()))
                    risk = wired = journaled = 0.0
                    count = 0
                    while loop.time() - start < args.skip + args.window:
                        on_the_wire = wire.now
                        handed = journal.count()
                        marked = await at_risk(connection, me)
                        # The wire as it was while the query ran: the mean of before and after.
                        risk, wired = risk + marked, wired + (on_the_wire + wire.now) / 2
                        journaled += handed
                        count += 1
                        await asyncio.sleep(args.sample_ms / 1000)
                    with contextlib.suppress(ProcessLookupError):  # it may have finished
                        os.kill(pid, signal.SIGKILL)
                    await processes.exit_code()
                    print(
                        f"process: {count} samples, handed over and unanswered (journal) "
                        f"{journaled / count:.2f}, marked and unrecorded {risk / count:.2f}, "
                        f"on the wire {wired / count:.2f}"
                    )
                    risk_sum, wire_sum, samples = risk_sum + risk, wire_sum + wired, samples + count
                    journaled_sum += journaled
        await db.dispose()
    print(
        f"exposure: {samples} samples, on the wire {wire_sum / samples:.2f}; with the send "
        f"journal, handed over and unanswered {journaled_sum / samples:.2f}: "
        f"{journaled_sum / wire_sum:.3f} x what was on the wire; without it, marked and "
        f"unrecorded {risk_sum / samples:.2f}: {risk_sum / wire_sum:.3f} x"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="its schema is dropped first")
    parser.add_argument("--load", choices=tuple(LOADS), default="paid")
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=12)
    parser.add_argument("--skip", type=float, default=0.0, help="seconds before sampling starts")
    parser.add_argument("--window", type=float, default=0.5, help="seconds sampled (the kills')")
    parser.add_argument("--sample-ms", type=float, default=3.0)
    return parser.parse_args(argv)


def main() -> None:
    asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    main()
