"""`nudgebot run` as an operator starts it: a real process that migrates, polls and stops."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import inspect

from fakebotapi import FakeBotApi
from nudgebot.db.engine import create_engine


async def test_run_migrates_sets_the_menu_answers_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    async with FakeBotApi() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGEBOT_", "TELEGRAM_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
            "NUDGEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "NUDGEBOT_TICK_SECONDS": "1",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nudgebot",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for(lambda: fake.calls_to("setMyCommands") or None, timeout=30)
            ada = fake.user(7)
            ada.send_command("/start")
            await fake.wait_for_message(ada.chat_id, "time zone", timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        assert fake.token not in stderr.decode()
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    assert {"subscribers", "deliveries", "checkins", "notes", "alembic_version"} <= set(tables)
