"""`nudgebot run --webhook` as an operator starts it: a real process the fake posts updates to."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import aiohttp

from fakebotapi import FakeBotApi
from tests.e2e.service import SECRET, free_port


async def test_run_webhook_answers_serves_health_and_metrics_and_stops_on_sigterm(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    async with FakeBotApi() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGEBOT_", "TELEGRAM_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
            "NUDGEBOT_DATABASE_URL": database_url,
            "NUDGEBOT_TICK_SECONDS": "1",
            "NUDGEBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "NUDGEBOT_WEBHOOK_SECRET": SECRET,
            "NUDGEBOT_LISTEN": "127.0.0.1",
            "NUDGEBOT_PORT": str(port),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nudgebot",
            "run",
            "--webhook",
            "--log-format",
            "json",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for(lambda: fake.calls_to("setWebhook") or None, timeout=30)
            ada = fake.user(7)
            ada.send_command("/start")
            await fake.wait_for_message(ada.chat_id, "time zone", timeout=30)
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    health = (response.status, await response.json())
                async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                    metrics = await response.text()
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert health[0] == 200
    assert health[1]["database"] == "ok"
    assert 'nudgebot_updates_total{type="message"} 1.0' in metrics
    assert fake.webhook_posts[0].status == 200
    assert fake.calls_to("getUpdates") == []
    entries = [json.loads(line) for line in log.splitlines()]
    assert any("serving /telegram" in entry["message"] for entry in entries)
    assert fake.token not in log
