"""Running `python -m nudgebot` as an operator would: a clean environment, a fake token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

TOKEN = "123456:SECRET-TOKEN-abc"


def scrubbed_environment(**env: str) -> dict[str, str]:
    """This process's environment without any Telegram or nudgebot setting, plus `env`."""
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith(("TELEGRAM_", "NUDGEBOT_"))
    }
    return {**base, **env}


def nudgebot(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nudgebot", *args],
        env=scrubbed_environment(**(env or {})),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def make_database(path: Path, *, due_now: int = 0) -> str:
    """A migrated SQLite database with `due_now` active subscribers whose tip is due now."""
    from nudgebot.clock import ManualClock
    from nudgebot.db.engine import create_engine, create_session_factory
    from nudgebot.db.migrate import upgrade_to_head
    from nudgebot.services.subscriptions import SubscriptionService

    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
        # Subscribed two hours ago for a time one hour ago: due now, well inside catch-up.
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        service = SubscriptionService(
            create_session_factory(engine),
            ManualClock(now - timedelta(hours=2)),
            default_timezone="UTC",
            default_send_time=(now - timedelta(hours=1)).time(),
        )
        for chat in range(1, due_now + 1):
            await service.start(chat, user_id=chat, language_code="en")
    finally:
        await engine.dispose()
    return url
