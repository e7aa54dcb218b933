"""`python -m fakebotapi` serves the fake from its own process."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from telegram import Bot

from fakebotapi import DEFAULT_TOKEN

REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_separate_process_prints_its_base_url_and_answers() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fakebotapi",
        "--port",
        "0",
        "--latency-ms",
        "5",
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        base_url = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        async with Bot(DEFAULT_TOKEN, base_url=base_url) as bot:
            sent = await bot.send_message(1001, "hello from afar")
        assert sent.chat.id == 1001
    finally:
        process.send_signal(signal.SIGTERM)
        await process.communicate()
    assert process.returncode == 0
