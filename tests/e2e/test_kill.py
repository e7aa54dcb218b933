"""kill -9 the engine again and again while it delivers: nothing twice, every loss counted."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakebotapi import FakeBotApi
from tests.e2e.scale import engine_env, ledger_by_chat, seed_due_subscribers, tips_received

SUBSCRIBERS = 5000
KILLS = 20
BATCH = 50
CONCURRENCY = 64
LEASE_SECONDS = 1.0
# Claims a killed process can leave behind: the engine never holds more than its concurrency
# claimed and unrecorded (sent, in flight, or waiting to be recorded).
IN_FLIGHT = CONCURRENCY
# After the restarted engine's first send, the kill comes within this: a few batches, so kills
# land mid-send, mid-record and between batches.
KILL_WITHIN_SECONDS = 0.5


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

    async def exit_code(self) -> int:
        return await self._line("exit ")


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


async def test_kill_9_at_random_moments_never_sends_a_tip_twice_and_counts_every_loss(
    database_url: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("NUDGEBOT_KILL_SEED") or random.randrange(2**32))
    print(f"\nkill test on {database_url.split(':')[0]}: seed {seed} (NUDGEBOT_KILL_SEED={seed})")
    rng = random.Random(seed)
    chats = await seed_due_subscribers(
        database_url, SUBSCRIBERS, datetime.now(UTC) - timedelta(minutes=1)
    )
    log = tmp_path / "engines.log"
    async with FakeBotApi(latency=0.005, accept_any_chat=True) as fake:
        env = engine_env(
            fake,
            database_url,
            NUDGEBOT_PAID_BROADCAST="true",
            NUDGEBOT_SEND_CONCURRENCY=str(CONCURRENCY),
            NUDGEBOT_BATCH_SIZE=str(BATCH),
            NUDGEBOT_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS),
        )
        kills = 0
        async with engines(env, log) as engine:
            while kills < KILLS:
                sent_before = len(fake.calls_to("sendMessage"))
                pid = await engine.start()
                # Kill only once this incarnation sends, so every kill can hit sends in flight.
                await fake.wait_for(
                    lambda: len(fake.calls_to("sendMessage")) > sent_before,  # noqa: B023
                    timeout=120,
                    what="the restarted engine to send",
                )
                await asyncio.sleep(rng.uniform(0, KILL_WITHIN_SECONDS))
                with contextlib.suppress(ProcessLookupError):  # it may have finished already
                    os.kill(pid, signal.SIGKILL)
                code = await engine.exit_code()
                assert code in (-signal.SIGKILL, 0), log.read_text()[-2000:]
                kills += code == -signal.SIGKILL
            # Let it finish; then one more pass after the lease, which turns the claims the
            # killed processes left behind into 'unknown'.
            for _ in range(2):
                await engine.start()
                assert await engine.exit_code() == 0, log.read_text()[-2000:]
                await asyncio.sleep(LEASE_SECONDS * 1.5)
        tips = tips_received(fake)
    ledger = await ledger_by_chat(database_url)

    sent = {chat for chat, status in ledger.items() if status == "sent"}
    unknown = {chat for chat, status in ledger.items() if status == "unknown"}
    lost = set(chats) - set(tips)
    duplicates = sum(count - 1 for count in tips.values())
    print(
        f"kills {kills}, subscribers {SUBSCRIBERS}: sent {len(sent)}, unknown {len(unknown)} "
        f"(delivered but unrecorded {len(unknown & set(tips))}, lost {len(lost)}), "
        f"duplicates {duplicates}; bound on unknown: {IN_FLIGHT} in flight x {kills} kills "
        f"= {IN_FLIGHT * kills}"
    )
    assert duplicates == 0
    assert set(ledger) == set(chats)  # every subscriber has its one delivery row
    assert sent | unknown == set(chats)  # ... and it is either sent or unknown
    assert sent <= set(tips)  # nothing recorded sent that Telegram did not take
    assert lost <= unknown  # the only losses are the deliveries marked unknown
    assert len(unknown) <= IN_FLIGHT * kills
