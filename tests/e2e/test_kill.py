"""kill -9 the engine again and again while it delivers: nothing twice, every loss counted, and
a kill costs what was on the wire, not the claim window."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fakebotapi import FakeBotApi
from fakebotapi.inflight import InFlight
from tests.e2e.scale import (
    engine_env,
    ledger_by_chat,
    seed_due_subscribers,
    tips_received,
    unknown_by_claimer,
    unknown_reasons,
)

SUBSCRIBERS = 5000
KILLS = 20
BATCH = 50
LEASE_SECONDS = 1.0
# After the restarted engine's first send, the kill comes within this: a few batches, so kills
# land mid-send, mid-record and between batches.
KILL_WITHIN_SECONDS = 0.5
# What Telegram's round trip is in the measurements; the fake answers after it.
ROUND_TRIP = 0.05
# What the engine that finishes the drain after the kills runs at (the kills are measured).
FINISH = {"NUDGEBOT_PAID_BROADCAST": "true", "NUDGEBOT_SEND_CONCURRENCY": "256"}


@dataclass(frozen=True)
class Load:
    """How the killed engines run, and the most 'unknown' a kill may cost."""

    name: str
    rate: float
    concurrency: int
    paid: bool
    # The issue asks for unknown <= 1.2 x what was on the wire at the kill. The killed engines'
    # send journals tell the next one which marked claims never left and which were answered:
    # 1.00-1.09 x measured (2026-12-08); 1.03-1.36 x before the journal, from the ~7 ms each message
    # spent marked before its send and answered before its record (docs/performance.md).
    wire_factor: float | None = None

    def env(self) -> dict[str, str]:
        return {
            "NUDGEBOT_SEND_RATE": str(min(self.rate, 1000)),
            "NUDGEBOT_PAID_BROADCAST": str(self.paid).lower(),
            "NUDGEBOT_SEND_CONCURRENCY": str(self.concurrency),
        }

    @property
    def per_kill(self) -> int:
        """max(8, 2 x rate x round trip): what Little's law puts on the wire, twice, or 8."""
        return max(8, int(2 * self.rate * ROUND_TRIP))


DEFAULTS = Load("defaults: 30/s, concurrency 64", rate=30, concurrency=64, paid=False)
PAID = Load("paid: 1,000/s, concurrency 256", 1000, 256, paid=True, wire_factor=1.2)


class Engines:
    """Starts `nudgebot deliver --once` processes (forked from tests/e2e/engine_zygote.py)."""

    def __init__(self, zygote: asyncio.subprocess.Process) -> None:
        self._zygote = zygote

    async def _line(self, prefix: str) -> int:
        assert self._zygote.stdout is not None
        line = (await asyncio.wait_for(self._zygote.stdout.readline(), 120)).decode()
        assert line.startswith(prefix), f"engine zygote said {line!r}"
        return int(line.removeprefix(prefix))

    async def start(self) -> int:
        assert self._zygote.stdin is not None
        self._zygote.stdin.write(b"go\n")
        await self._zygote.stdin.drain()
        return await self._line("pid ")

    async def start_sending(self, fake: FakeBotApi) -> int:
        """Start one; returns its pid once it has sent, so a kill can hit sends in flight."""
        sent_before = len(fake.calls_to("sendMessage"))
        pid = await self.start()
        await fake.wait_for(
            lambda: len(fake.calls_to("sendMessage")) > sent_before,
            timeout=120,
            what="the restarted engine to send",
        )
        return pid

    async def exit_code(self) -> int:
        return await self._line("exit ")


def kill_test_env(fake: FakeBotApi, database_url: str, journals: Path) -> dict[str, str]:
    """The engines' settings in the kill test, before its load: small batches, a short lease,
    their send journals in `journals`."""
    return engine_env(
        fake,
        database_url,
        NUDGEBOT_BATCH_SIZE=str(BATCH),
        NUDGEBOT_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS),
        NUDGEBOT_SEND_JOURNAL_DIR=str(journals),
    )


@asynccontextmanager
async def engines(env: dict[str, str], log: Path) -> AsyncIterator[Engines]:
    with log.open("wb") as stderr:
        zygote = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.e2e.engine_zygote",
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        try:
            yield Engines(zygote)
        finally:
            assert zygote.stdin is not None
            zygote.stdin.close()
            await asyncio.wait_for(zygote.wait(), 30)


@pytest.mark.parametrize("load", [DEFAULTS, PAID], ids=["defaults", "paid-256"])
async def test_kill_9_at_random_moments_never_sends_a_tip_twice_and_costs_only_the_wire(
    database_url: str, tmp_path: Path, load: Load, figure: Callable[[str], None]
) -> None:
    seed = int(os.environ.get("NUDGEBOT_KILL_SEED") or random.randrange(2**32))
    db = database_url.split(":")[0]
    print(f"\nkill test on {db}, {load.name}: seed {seed} (NUDGEBOT_KILL_SEED={seed})")
    rng = random.Random(seed)
    chats = await seed_due_subscribers(
        database_url, SUBSCRIBERS, datetime.now(UTC) - timedelta(minutes=1)
    )
    log = tmp_path / "engines.log"
    wire = InFlight()
    on_the_wire: list[int] = []  # requests the fake had taken and not answered, at each kill
    async with wire.watch(FakeBotApi(latency=ROUND_TRIP, accept_any_chat=True)) as fake:
        env = kill_test_env(fake, database_url, tmp_path / "journals")
        async with engines(env | load.env(), log) as engine:
            while len(on_the_wire) < KILLS:
                pid = await engine.start_sending(fake)
                await asyncio.sleep(rng.uniform(0, KILL_WITHIN_SECONDS))
                at_kill = wire.now
                with contextlib.suppress(ProcessLookupError):  # it may have finished already
                    os.kill(pid, signal.SIGKILL)
                code = await engine.exit_code()
                assert code in (-signal.SIGKILL, 0), log.read_text()[-2000:]
                if code == -signal.SIGKILL:
                    on_the_wire.append(at_kill)
        # Let it finish (fast); then one more pass after the lease, which settles the claims
        # the killed processes left behind: 'unknown' if handed to the transport, else resent.
        async with engines(env | FINISH, log) as engine:
            for _ in range(2):
                await engine.start()
                assert await engine.exit_code() == 0, log.read_text()[-2000:]
                await asyncio.sleep(LEASE_SECONDS * 1.5)
            await engine.start()
            assert await engine.exit_code() == 0, log.read_text()[-2000:]
        tips = tips_received(fake)
    ledger = await ledger_by_chat(database_url)
    per_kill = sorted((await unknown_by_claimer(database_url)).values(), reverse=True)

    sent = {chat for chat, status in ledger.items() if status == "sent"}
    unknown = {chat for chat, status in ledger.items() if status == "unknown"}
    lost = set(chats) - set(tips)
    duplicates = sum(count - 1 for count in tips.values())
    kills, wired = len(on_the_wire), sum(on_the_wire)
    ratio = len(unknown) / wired if wired else float("inf")
    print(
        f"kills {kills}, subscribers {SUBSCRIBERS}: sent {len(sent)}, unknown {len(unknown)} "
        f"(delivered but unrecorded {len(unknown & set(tips))}, lost {len(lost)}), "
        f"duplicates {duplicates}; unknown per kill {per_kill}; on the wire {on_the_wire}; "
        f"why unknown: {dict(await unknown_reasons(database_url))}"
    )
    figure(
        f"kill -9 x{kills}, {SUBSCRIBERS} due, {db}, {load.name}, {ROUND_TRIP * 1e3:.0f} ms "
        f"round trip: unknown per kill mean {len(unknown) / kills:.1f} max "
        f"{max(per_kill, default=0)} (goal <= {load.per_kill}); on the wire at the kill mean "
        f"{wired / kills:.1f}: unknown = {ratio:.2f} x on the wire; duplicates {duplicates}"
    )
    assert duplicates == 0
    assert set(ledger) == set(chats)  # every subscriber has its one delivery row
    assert sent | unknown == set(chats)  # ... and it is either sent or unknown
    assert sent <= set(tips)  # nothing recorded sent that Telegram did not take
    assert lost <= unknown  # the only losses are the deliveries marked unknown
    assert not list((tmp_path / "journals").rglob("*.sends"))  # read once settled, then removed
    assert max(per_kill, default=0) <= load.per_kill
    if load.wire_factor is not None:
        assert len(unknown) <= load.wire_factor * wired
