"""Every mistake an operator makes every day ends in one line on stderr, never a traceback.

One row per documented failure (docs/operations.md, "Failure messages"), each run as a real
process with a fake token: exactly one line on stderr, no traceback, the exit code, no token.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fakebotapi import FakeBotApi
from nudgebot.content.paths import DEFAULT_CONTENT_DIR
from tests.e2e.commands import TOKEN, closed_port, make_database, nudgebot

UNREACHABLE = (
    "nudgebot: cannot reach Telegram at {api} (connection refused): check the network, "
    "NUDGEBOT_TELEGRAM_API_URL or NUDGEBOT_PROXY_URL; nothing was sent"
)
REJECTED = (
    "nudgebot: Telegram rejected the token: check TELEGRAM_BOT_TOKEN (or "
    "NUDGEBOT_TELEGRAM_API_URL); the Bot API at {api} said Unauthorized; copy the token again "
    "from @BotFather (/mybots, then API Token)"
)
# Makes `import asyncpg` fail in the command's process, as on an install without the extra.
NO_ASYNCPG_HOOK = """
import sys

class NoAsyncpg:
    def find_spec(self, name, path=None, target=None):
        if name == "asyncpg" or name.startswith("asyncpg."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoAsyncpg())
"""


@dataclass(frozen=True)
class Case:
    """A command, what the operator set, and the one line and exit code it must end with.

    Placeholders: {tmp} the test's folder, {db} a SQLite database with a tip due now, {api} the
    Bot API URL (a closed port, or the fake that rejects the token), {closed} a closed port,
    {pg} the test PostgreSQL's user@host:port.
    """

    args: tuple[str, ...]
    line: str  # exactly, after the placeholders; a regex when it starts with ^
    exit_code: int
    env: dict[str, str] = field(default_factory=dict)
    rejecting_api: bool = False
    no_asyncpg: bool = False


def _postgres_server() -> str:
    dsn = os.environ.get("NUDGEBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    return dsn.removeprefix("postgresql://").rpartition("/")[0]


def _with_host(server: str) -> str:
    return server.rpartition("@")[2]


DUE = {"NUDGEBOT_DATABASE_URL": "sqlite+aiosqlite:///{db}", "TELEGRAM_BOT_TOKEN": TOKEN}
CASES = {
    "sqlite folder missing": Case(
        ("db", "upgrade"),
        "nudgebot: cannot open the SQLite database {tmp}/missing/bot.db: the folder "
        "{tmp}/missing does not exist; create it or fix NUDGEBOT_DATABASE_URL",
        1,
        {"NUDGEBOT_DATABASE_URL": "sqlite+aiosqlite:///{tmp}/missing/bot.db"},
    ),
    "sqlite file missing": Case(
        ("stats",),
        "nudgebot: the database file {tmp}/bot.db does not exist: run `nudgebot db upgrade` to "
        "create it, or set NUDGEBOT_DATABASE_URL to the bot's database",
        1,
        {"NUDGEBOT_DATABASE_URL": "sqlite+aiosqlite:///{tmp}/bot.db"},
    ),
    "postgres refuses the connection": Case(
        ("db", "upgrade"),
        "nudgebot: cannot connect to PostgreSQL at 127.0.0.1:{closed} (connection refused): "
        "is it running? Check the host and port in NUDGEBOT_DATABASE_URL",
        1,
        {"NUDGEBOT_DATABASE_URL": "postgresql+asyncpg://nudgebot:pw@127.0.0.1:{closed}/bot"},
    ),
    "postgres database missing": Case(
        ("db", "upgrade"),
        'nudgebot: database "nudgebot_no_such_db" does not exist on PostgreSQL at {where}: '
        "create it (createdb nudgebot_no_such_db) or fix NUDGEBOT_DATABASE_URL",
        1,
        {"NUDGEBOT_DATABASE_URL": "postgresql+asyncpg://{pg}/nudgebot_no_such_db"},
    ),
    "postgres role missing": Case(
        ("stats",),
        'nudgebot: PostgreSQL at {where} refused the login (role "nudgebot_no_such_role" does '
        "not exist): fix the user or password in NUDGEBOT_DATABASE_URL",
        1,
        {"NUDGEBOT_DATABASE_URL": "postgresql+asyncpg://nudgebot_no_such_role@{where}/postgres"},
    ),
    "postgres driver not installed": Case(
        ("db", "upgrade"),
        "nudgebot: NUDGEBOT_DATABASE_URL is a PostgreSQL URL but the PostgreSQL driver is not "
        "installed: pip install 'nudgebot[postgres]'",
        1,
        {"NUDGEBOT_DATABASE_URL": "postgresql+asyncpg://{pg}/postgres"},
        no_asyncpg=True,
    ),
    "content folder missing": Case(
        ("content", "check"),
        "nudgebot: NUDGEBOT_CONTENT_DIR {tmp}/nowhere is not a folder: point it at a content "
        "folder, or unset it to use the content shipped with nudgebot",
        1,
        {"NUDGEBOT_CONTENT_DIR": "{tmp}/nowhere"},
    ),
    "content broken": Case(
        ("preview",),
        r"^nudgebot: content in {tmp}/content has a problem: en/tips\.yaml: .*fiber.*; "
        r"run `nudgebot content check` to list them, or fix NUDGEBOT_CONTENT_DIR$",
        1,
        {"NUDGEBOT_CONTENT_DIR": "{tmp}/content"},
    ),
    "deliver, Telegram unreachable": Case(("deliver", "--once"), UNREACHABLE, 1, DUE),
    "deliver, token rejected": Case(("deliver", "--once"), REJECTED, 2, DUE, rejecting_api=True),
    "broadcast, Telegram unreachable": Case(("broadcast", "{tmp}/news.html"), UNREACHABLE, 1, DUE),
    "broadcast, token rejected": Case(
        ("broadcast", "{tmp}/news.html"), REJECTED, 2, DUE, rejecting_api=True
    ),
    "token missing": Case(
        ("deliver", "--once"),
        "nudgebot: TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export "
        "TELEGRAM_BOT_TOKEN=123456:ABC... (or put it in .env)",
        2,
        {"NUDGEBOT_DATABASE_URL": "sqlite+aiosqlite:///{db}"},
    ),
    "bad log level": Case(
        ("stats", "--log-level", "loud"),
        "nudgebot: argument --log-level: invalid choice: 'LOUD' (choose from 'DEBUG', 'INFO', "
        "'WARNING', 'ERROR') (see nudgebot stats --help)",
        2,
    ),
    "bad setting value": Case(
        ("stats",),
        "nudgebot: NUDGEBOT_SEND_RATE: input should be a valid number, unable to parse string as "
        "a number",
        2,
        {"NUDGEBOT_SEND_RATE": "fast", "TELEGRAM_BOT_TOKEN": TOKEN},
    ),
}


@pytest.fixture(scope="module")
def due_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One subscriber whose tip is due now; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    asyncio.run(make_database(path, due_now=1))
    return path


@asynccontextmanager
async def _bot_api(rejecting: bool) -> AsyncIterator[str]:
    if not rejecting:
        yield f"http://127.0.0.1:{closed_port()}/bot"
        return
    async with FakeBotApi() as fake:  # its own token: ours is answered 401 Unauthorized
        yield fake.base_url


def _prepare(tmp_path: Path, due_database: Path) -> None:
    shutil.copy(due_database, tmp_path / "due.db")
    (tmp_path / "news.html").write_text("<b>News</b> for everyone\n")
    broken = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, broken)
    tips = broken / "en" / "tips.yaml"
    tips.write_text(tips.read_text().replace("id: sleep", "id: fiber", 1))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(NO_ASYNCPG_HOOK)


@dataclass(frozen=True)
class Outcome:
    stdout: str
    stderr: str
    exit_code: int
    expected: str  # the case's line with its placeholders filled in


async def _run(case: Case, tmp_path: Path, extra: tuple[str, ...] = ()) -> Outcome:
    async with _bot_api(case.rejecting_api) as api:
        server = _postgres_server()
        values = {
            "tmp": str(tmp_path),
            "db": str(tmp_path / "due.db"),
            "api": api,
            "closed": str(closed_port()),
            "pg": server,
            "where": _with_host(server),
        }
        env = {name: value.format(**values) for name, value in case.env.items()}
        env["NUDGEBOT_TELEGRAM_API_URL"] = api
        if case.no_asyncpg:
            env["PYTHONPATH"] = str(tmp_path / "hook")
        args = tuple(arg.format(**values) for arg in case.args) + extra
        result = await asyncio.to_thread(nudgebot, *args, env=env, cwd=tmp_path)
    regex = case.line.startswith("^")
    expected = case.line.format(
        **{name: re.escape(value) if regex else value for name, value in values.items()}
    )
    return Outcome(result.stdout, result.stderr, result.returncode, expected)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
async def test_an_operator_mistake_is_one_line_naming_what_to_fix(
    case: Case, tmp_path: Path, due_database: Path
) -> None:
    _prepare(tmp_path, due_database)
    outcome = await _run(case, tmp_path)
    assert outcome.stderr.count("\n") == 1, outcome.stderr
    line = outcome.stderr.rstrip("\n")
    if case.line.startswith("^"):
        assert re.fullmatch(outcome.expected, line), line
    else:
        assert line == outcome.expected
    assert "Traceback" not in outcome.stderr
    assert outcome.exit_code == case.exit_code, outcome.stderr
    assert "SECRET-TOKEN" not in outcome.stdout + outcome.stderr


async def test_at_debug_the_same_mistake_also_shows_its_traceback(
    tmp_path: Path, due_database: Path
) -> None:
    _prepare(tmp_path, due_database)
    case = CASES["deliver, Telegram unreachable"]
    outcome = await _run(case, tmp_path, ("--log-level", "DEBUG"))
    assert "Traceback (most recent call last)" in outcome.stderr
    assert outcome.stderr.rstrip("\n").splitlines()[-1] == outcome.expected
    assert outcome.exit_code == 1
    assert "SECRET-TOKEN" not in outcome.stdout + outcome.stderr
