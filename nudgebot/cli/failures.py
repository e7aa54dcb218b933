"""Turns what stopped a command into one line naming what to fix, and its exit code."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from telegram.error import InvalidToken, NetworkError, TelegramError

from nudgebot.cli.content import missing_folder
from nudgebot.cli.database import sqlite_path
from nudgebot.cli.exit_codes import EXIT_PROBLEM, EXIT_USAGE, CommandError
from nudgebot.config import SettingsError
from nudgebot.content.problems import ContentError
from nudgebot.logs import REDACTED, TOKEN_PATTERN

DATABASE = "NUDGEBOT_DATABASE_URL"
POSTGRES_EXTRA = "pip install 'nudgebot[postgres]'"
# PostgreSQL's SQLSTATE codes for a login the server refused.
_NO_DATABASE = "3D000"
_LOGIN_REFUSED = ("28000", "28P01")


@dataclass(frozen=True, slots=True)
class Failure:
    line: str
    exit_code: int


@dataclass(frozen=True, slots=True)
class Context:
    """What the command was using, to name it in the line: never the token itself."""

    database_url: str
    telegram_api_url: str
    content_dir: Path
    token: str = ""


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, then what caused it: SQLAlchemy's wrapped driver error included."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        for following in (orig, current.__cause__, current.__context__):
            if isinstance(following, BaseException):
                pending.append(following)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def _clean(line: str, token: str) -> str:
    if token:
        line = line.replace(token, REDACTED)
    return TOKEN_PATTERN.sub(REDACTED, line)


def _where(url: str) -> str:
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def _database(error: BaseException, url: str) -> str | None:
    postgres = url.startswith("postgresql")
    for cause in _chain(error):
        if isinstance(cause, ModuleNotFoundError) and cause.name == "asyncpg":
            return (
                f"{DATABASE} is a PostgreSQL URL but the PostgreSQL driver is not installed: "
                f"{POSTGRES_EXTRA}"
            )
        sqlstate = getattr(cause, "sqlstate", None)
        if postgres and sqlstate == _NO_DATABASE:
            name = make_url(url).database
            return (
                f'database "{name}" does not exist on PostgreSQL at {_where(url)}: '
                f"create it (createdb {name}) or fix {DATABASE}"
            )
        if postgres and sqlstate in _LOGIN_REFUSED:
            return (
                f"PostgreSQL at {_where(url)} refused the login ({_first_line(cause)}): "
                f"fix the user or password in {DATABASE}"
            )
        if postgres and isinstance(cause, ConnectionRefusedError):
            return (
                f"cannot connect to PostgreSQL at {_where(url)} (connection refused): "
                f"is it running? Check the host and port in {DATABASE}"
            )
        if postgres and isinstance(cause, OSError):
            reason = cause.strerror or _first_line(cause)
            return f"cannot connect to PostgreSQL at {_where(url)} ({reason}): check {DATABASE}"
        if isinstance(cause, sqlite3.OperationalError) and "unable to open" in str(cause):
            return _sqlite_unopenable(url)
    if isinstance(error, SQLAlchemyError) and not isinstance(error, ArgumentError):
        return f"database error ({_first_line(error)}): check {DATABASE} and the database"
    return None


def _sqlite_unopenable(url: str) -> str:
    path = sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        return (
            f"cannot open the SQLite database {path}: the folder {path.parent} does not exist; "
            f"create it or fix {DATABASE}"
        )
    return f"cannot open the SQLite database {path}: check its folder's permissions or {DATABASE}"


def _rejected_token(error: InvalidToken, api_url: str) -> Failure:
    # The same line `nudgebot run` prints; the token is taken out of it by explain().
    from nudgebot.app.reach import rejection_line

    return Failure(rejection_line(error, token="", url=api_url), EXIT_USAGE)


def _telegram(error: BaseException, api_url: str) -> Failure | None:
    for cause in _chain(error):
        if isinstance(cause, InvalidToken):
            return _rejected_token(cause, api_url)
        if isinstance(cause, NetworkError):
            reason = _innermost_reason(cause)
            return Failure(
                f"cannot reach Telegram at {api_url} ({reason}): check the network, "
                "NUDGEBOT_TELEGRAM_API_URL or NUDGEBOT_PROXY_URL; nothing was sent",
                EXIT_PROBLEM,
            )
        if isinstance(cause, TelegramError):
            return Failure(f"Telegram refused a call ({_first_line(cause)})", EXIT_PROBLEM)
    return None


def _innermost_reason(error: BaseException) -> str:
    causes = list(_chain(error))
    # aiohttp keeps the socket's error beside its own, not in the chain.
    sockets = [getattr(cause, "os_error", None) for cause in causes]
    causes += [cause for cause in sockets if isinstance(cause, OSError)]
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return "connection refused"
    if any(
        isinstance(cause, TimeoutError) or "timed out" in str(cause).lower() for cause in causes
    ):
        return "timed out"
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
    return "no answer"


def content_line(error: ContentError, directory: Path) -> str:
    """Broken content in one line: the first problem, how many more, where to look."""
    if not directory.is_dir():
        return missing_folder(directory)
    more = len(error.problems) - 1
    first = str(error.problems[0]) if error.problems else "content is invalid"
    others = f" (and {more} more)" if more > 0 else ""
    return (
        f"content in {directory} has a problem: {first}{others}; "
        "run `nudgebot content check` to list them, or fix NUDGEBOT_CONTENT_DIR"
    )


def explain(error: BaseException, context: Context) -> Failure:
    """One line for any error: the known ones name the setting, the rest their type and text."""
    if isinstance(error, CommandError):
        failure = Failure(error.line, error.exit_code)
    elif isinstance(error, SettingsError):
        failure = Failure(str(error), EXIT_USAGE)
    elif isinstance(error, ContentError):
        failure = Failure(content_line(error, context.content_dir), EXIT_PROBLEM)
    else:
        telegram = _telegram(error, context.telegram_api_url)
        database = None if telegram else _database(error, context.database_url)
        if telegram is not None:
            failure = telegram
        elif database is not None:
            failure = Failure(database, EXIT_PROBLEM)
        else:
            failure = Failure(
                f"stopped by an unexpected {type(error).__name__} ({_first_line(error)}); "
                "run again with --log-level DEBUG for the traceback",
                EXIT_PROBLEM,
            )
    return Failure(f"nudgebot: {_clean(failure.line, context.token)}", failure.exit_code)
