"""Each command asks only for what it uses: no token where Telegram is not called, no Telegram
call when nothing is due, no new empty database file, and options where the operator puts them."""

from __future__ import annotations

import asyncio
import sqlite3
from importlib.metadata import version
from pathlib import Path

import pytest

from fakebotapi import FakeBotApi
from tests.e2e.commands import TOKEN, closed_port, make_database, nudgebot


def _sqlite(path: Path) -> dict[str, str]:
    return {"NUDGEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}


def _broadcasts(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM broadcasts").fetchone()[0])


@pytest.mark.parametrize(
    "args",
    [("db", "upgrade"), ("content", "check"), ("preview", "--days", "2")],
    ids=["db upgrade", "content check", "preview"],
)
def test_commands_that_never_call_telegram_run_without_a_token(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = nudgebot(*args, env=_sqlite(tmp_path / "bot.db"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" not in result.stderr


async def test_stats_runs_without_a_token(tmp_path: Path) -> None:
    await make_database(tmp_path / "bot.db", due_now=1)
    result = await asyncio.to_thread(nudgebot, "stats", env=_sqlite(tmp_path / "bot.db"))
    assert result.returncode == 0, result.stderr
    assert "subscribers: 1 (active 1" in result.stdout


async def test_broadcast_enqueue_only_records_it_without_a_token(tmp_path: Path) -> None:
    await make_database(tmp_path / "bot.db", due_now=2)
    (tmp_path / "news.html").write_text("<b>News</b>")
    result = await asyncio.to_thread(
        nudgebot,
        "broadcast",
        str(tmp_path / "news.html"),
        "--enqueue-only",
        env=_sqlite(tmp_path / "bot.db"),
    )
    assert result.returncode == 0, result.stderr
    assert "broadcast 1 recorded for 2 subscribers" in result.stdout
    assert _broadcasts(tmp_path / "bot.db") == 1


async def test_deliver_once_with_nothing_due_makes_no_call_to_telegram(tmp_path: Path) -> None:
    await make_database(tmp_path / "bot.db")
    async with FakeBotApi(TOKEN) as fake:
        env = {
            **_sqlite(tmp_path / "bot.db"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "NUDGEBOT_TELEGRAM_API_URL": fake.base_url,
        }
        result = await asyncio.to_thread(nudgebot, "deliver", "--once", env=env)
        assert result.returncode == 0, result.stderr
        assert "delivered: claimed 0" in result.stdout
        assert fake.calls == []


async def test_an_empty_broadcast_allowed_with_nobody_to_send_to_makes_no_call_to_telegram(
    tmp_path: Path,
) -> None:
    await make_database(tmp_path / "bot.db")
    (tmp_path / "news.html").write_text("<b>News</b>")
    env = {
        **_sqlite(tmp_path / "bot.db"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "NUDGEBOT_TELEGRAM_API_URL": f"http://127.0.0.1:{closed_port()}/bot",
    }
    result = await asyncio.to_thread(
        nudgebot, "broadcast", str(tmp_path / "news.html"), "--allow-empty", env=env
    )
    assert result.returncode == 0, result.stderr
    assert "broadcast 1 to 0 subscribers: sent 0" in result.stdout
    assert _broadcasts(tmp_path / "bot.db") == 1


async def test_a_broadcast_with_no_recipient_is_refused_and_nothing_is_recorded(
    tmp_path: Path,
) -> None:
    await make_database(tmp_path / "bot.db")
    (tmp_path / "news.html").write_text("<b>News</b>")
    env = {**_sqlite(tmp_path / "bot.db"), "TELEGRAM_BOT_TOKEN": TOKEN}
    result = await asyncio.to_thread(nudgebot, "broadcast", str(tmp_path / "news.html"), env=env)
    assert result.returncode == 1
    assert result.stderr == (
        "nudgebot: no active subscriber to send it to: nothing was recorded, so the text is not "
        "used up; give --allow-empty to record it anyway\n"
    )
    assert _broadcasts(tmp_path / "bot.db") == 0


@pytest.mark.parametrize("args", [("stats",), ("deliver", "--once"), ("broadcast", "news.html")])
def test_reading_commands_do_not_create_a_missing_sqlite_file(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    (tmp_path / "news.html").write_text("<b>News</b>")
    result = nudgebot(*args, env={"TELEGRAM_BOT_TOKEN": TOKEN}, cwd=tmp_path)
    assert result.returncode == 1
    assert f"the database file {tmp_path / 'nudgebot.db'} does not exist" in result.stderr
    assert "nudgebot db upgrade" in result.stderr
    assert not (tmp_path / "nudgebot.db").exists()


def test_db_upgrade_says_which_database_and_creates_it(tmp_path: Path) -> None:
    result = nudgebot("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"database: {tmp_path / 'nudgebot.db'}"
    assert (tmp_path / "nudgebot.db").exists()


def test_the_database_named_hides_its_password(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://nudgebot:hunter2@127.0.0.1:{closed_port()}/bot"
    result = nudgebot("db", "upgrade", env={"NUDGEBOT_DATABASE_URL": url})
    assert result.stdout.splitlines()[0] == f"database: {url.replace('hunter2', '***')}"
    assert "hunter2" not in result.stdout + result.stderr


def test_opening_the_database_prints_no_alembic_lines(tmp_path: Path) -> None:
    result = nudgebot("db", "upgrade", env=_sqlite(tmp_path / "bot.db"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("where", ["before", "after"])
def test_log_options_go_before_or_after_the_command(tmp_path: Path, where: str) -> None:
    options = ("--log-level", "warning", "--log-format", "json")
    command = ("content", "check")
    args = (*options, *command) if where == "before" else (*command, *options)
    result = nudgebot(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_version_prints_the_installed_version() -> None:
    result = nudgebot("--version")
    assert result.returncode == 0
    assert result.stdout == f"nudgebot {version('nudgebot')}\n"


def test_a_misspelt_setting_is_named_with_the_closest_one_and_the_command_runs(
    tmp_path: Path,
) -> None:
    result = nudgebot("content", "check", env={"NUDGEBOT_SENDRATE": "10"})
    assert result.returncode == 0
    assert result.stderr == (
        "nudgebot: unknown setting NUDGEBOT_SENDRATE (did you mean NUDGEBOT_SEND_RATE?)\n"
    )


def test_a_misspelt_setting_in_the_env_file_is_named_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NUDGEBOT_DATABSE_URL=sqlite+aiosqlite:///x.db\n")
    result = nudgebot("content", "check", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == (
        "nudgebot: unknown setting NUDGEBOT_DATABSE_URL (did you mean NUDGEBOT_DATABASE_URL?)\n"
    )
