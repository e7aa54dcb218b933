"""The operator's commands, run as real processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nudgebot.content.paths import DEFAULT_CONTENT_DIR


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NUDGEBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "nudgebot", *args],
        env={**base, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_missing_token_is_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    result = run("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NUDGEBOT_ADMIN_IDS", "12345,abc"),
        ("NUDGEBOT_DEFAULT_SEND_TIME", "25:00"),
        ("NUDGEBOT_DEFAULT_TIMEZONE", "Mars/Olympus"),
        ("NUDGEBOT_TICK_SECONDS", "soon"),
        ("NUDGEBOT_DATABASE_URL", "mysql://x"),
    ],
)
def test_a_malformed_setting_names_the_variable_and_exits_2(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run(
        "db", "upgrade", env={"TELEGRAM_BOT_TOKEN": "123456:ABCdef", variable: value}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert variable in result.stderr
    assert "Traceback" not in result.stderr
    assert "ABCdef" not in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = run(
        "db",
        "upgrade",
        env={
            "TELEGRAM_BOT_TOKEN": "123456:ABCdef",
            "NUDGEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        },
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.db").exists()


def test_content_check_passes_on_the_shipped_content() -> None:
    result = run("content", "check")
    assert result.returncode == 0, result.stderr


def test_content_check_names_file_tip_and_reason_on_a_problem(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, broken)
    tips = broken / "en" / "tips.yaml"
    tips.write_text(tips.read_text().replace("id: sleep", "id: fiber", 1))
    result = run("content", "check", env={"NUDGEBOT_CONTENT_DIR": str(broken)})
    assert result.returncode == 1
    assert "tips.yaml" in result.stderr
    assert "fiber" in result.stderr


def test_python_dash_m_and_the_console_script_are_the_same_program() -> None:
    script = shutil.which("nudgebot")
    assert script is not None
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "deliver" in result.stdout


async def test_deliver_once_sends_what_is_due_and_prints_it(tmp_path: Path) -> None:
    from datetime import time

    from fakebotapi import FakeBotApi
    from nudgebot.clock import ManualClock
    from nudgebot.db.engine import create_engine, create_session_factory
    from nudgebot.db.migrate import upgrade_to_head
    from nudgebot.services.subscriptions import SubscriptionService

    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    past = ManualClock(datetime(2020, 1, 1, 0, 0, tzinfo=UTC))
    service = SubscriptionService(
        create_session_factory(engine), past, default_timezone="UTC", default_send_time=time(0, 1)
    )
    for chat in (1, 2, 3):
        await service.start(chat, user_id=chat, language_code="en")
    await engine.dispose()
    async with FakeBotApi() as fake:
        for chat in (1, 2, 3):
            fake.user(chat)
        env = {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "NUDGEBOT_DATABASE_URL": url,
            "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
            "NUDGEBOT_CATCH_UP_HOURS": "23",
        }
        import asyncio

        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nudgebot",
            "deliver",
            "--once",
            env={**{k: v for k, v in os.environ.items() if not k.startswith("NUDGEBOT_")}, **env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        # Their 2020 tips and weekly summaries are far beyond the window: 3 of each expire.
        assert "expired 6" in stdout.decode()
        assert fake.token not in stderr.decode()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "NUDGEBOT_WEBHOOK_URL"),
        ({"NUDGEBOT_WEBHOOK_URL": "https://bot.example.org/telegram"}, "NUDGEBOT_WEBHOOK_SECRET"),
        (
            {
                "NUDGEBOT_WEBHOOK_URL": "https://bot.example.org/telegram",
                "NUDGEBOT_WEBHOOK_SECRET": "has spaces and !",
            },
            "NUDGEBOT_WEBHOOK_SECRET",
        ),
        (
            {
                "NUDGEBOT_WEBHOOK_URL": "https://bot.example.org/telegram",
                "NUDGEBOT_WEBHOOK_SECRET": "x" * 257,
            },
            "NUDGEBOT_WEBHOOK_SECRET",
        ),
        ({"NUDGEBOT_WEBHOOK_URL": "bot.example.org/telegram"}, "NUDGEBOT_WEBHOOK_URL"),
    ],
    ids=["no url", "no secret", "secret with bad characters", "secret too long", "url no scheme"],
)
def test_run_webhook_without_a_valid_url_and_secret_is_one_line_and_exit_code_2(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = run(
        "run", "--webhook", env={"TELEGRAM_BOT_TOKEN": "123456:ABCdef", **env}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "nudgebot.db").exists()


def test_an_unknown_log_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("run", "--log-format", "xml", env={"TELEGRAM_BOT_TOKEN": "123456:ABCdef"})
    assert result.returncode == 2
    assert "--log-format" in result.stderr


def test_a_port_in_use_is_one_clear_line_and_exit_code_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "run",
            env={
                "TELEGRAM_BOT_TOKEN": "123456:ABCdef",
                "NUDGEBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
                "NUDGEBOT_PORT": str(port),
            },
            cwd=tmp_path,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "NUDGEBOT_PORT" in result.stderr
    assert "Traceback" not in result.stderr


async def test_stats_prints_the_same_text_as_the_stats_command(tmp_path: Path) -> None:
    import asyncio
    from datetime import time

    from nudgebot.clock import SystemClock
    from nudgebot.content.loader import load_content
    from nudgebot.db.engine import create_engine, create_session_factory
    from nudgebot.db.migrate import upgrade_to_head
    from nudgebot.services.stats import StatsService
    from nudgebot.services.subscriptions import SubscriptionService

    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    sessions = create_session_factory(engine)
    service = SubscriptionService(
        sessions, SystemClock(), default_timezone="UTC", default_send_time=time(9)
    )
    for chat in (1, 2, 3):
        await service.start(chat, user_id=chat, language_code="en")
    await service.stop(3)
    expected = (await StatsService(sessions, SystemClock(), load_content()).stats()).render()
    await engine.dispose()
    result = await asyncio.to_thread(
        run, "stats", env={"TELEGRAM_BOT_TOKEN": "123456:ABCdef", "NUDGEBOT_DATABASE_URL": url}
    )
    assert result.returncode == 0, result.stderr
    assert "subscribers: 3 (active 2, paused 0, stopped 1, blocked 0, gone 0)" in result.stdout
    database, *printed = result.stdout.strip().splitlines()
    assert database == f"database: {tmp_path / 'bot.db'}"
    # Everything after the timestamp line matches what /stats renders for the same data.
    assert printed[1:] == expected.splitlines()[1:]


@pytest.mark.parametrize(
    ("text", "reason"), [("\n", "is empty"), ("<blink>Hi</blink>", "<blink> is not allowed")]
)
def test_broadcast_refuses_a_bad_announcement_in_one_line_with_exit_2(
    tmp_path: Path, text: str, reason: str
) -> None:
    (tmp_path / "news.html").write_text(text)
    result = run(
        "broadcast",
        str(tmp_path / "news.html"),
        env={
            "TELEGRAM_BOT_TOKEN": "123456:ABCdef",
            "NUDGEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        },
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was recorded


def test_content_check_reports_a_crisis_reply_without_its_sos_text(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, broken)
    safety = broken / "de" / "safety.yaml"
    safety.write_text(safety.read_text(encoding="utf-8").replace("\nsos: |-", "\nsos_text: |-"))
    result = run("content", "check", env={"NUDGEBOT_CONTENT_DIR": str(broken)})
    assert result.returncode == 1
    assert "de/safety.yaml" in result.stderr
    assert "sos_text" in result.stderr
    assert "Traceback" not in result.stderr
