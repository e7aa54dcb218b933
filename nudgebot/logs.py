"""Logging set-up that can never leak the bot token or what users write: text or JSON lines."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

# Any bot token: the numeric bot id, a colon and the 35-character secret.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[redacted-token]"
HIDDEN = "[hidden]"
LOG_FORMATS = ("text", "json")

# Libraries that, at DEBUG (SQLAlchemy: at INFO too), log what they send and receive: Bot API
# parameters and updates, SQL parameters and rows, the functions aiosqlite runs with their
# arguments. Those carry check-in notes. Their arguments are hidden unless plainly harmless.
PAYLOAD_LOGGERS = (
    "telegram",
    "aiosqlite",
    "sqlalchemy.engine",
    "asyncpg",
    "httpx",
    "httpcore",
    "aiohttp.client",
)
_HARMLESS_TEXT = re.compile(r"[A-Za-z0-9_.\-]{1,40}")
_installed_factory: list[Callable[..., logging.LogRecord]] = []


class RedactTokens(logging.Filter):
    """Rewrites each record so neither the configured token nor anything shaped like one is kept."""

    def __init__(self, token: str = "") -> None:
        super().__init__()
        self._token = token

    def _clean(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.getMessage())
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = self._clean(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


def _harmless(value: object) -> bool:
    # Numbers and single words (method names, ids); never text with spaces, mappings or objects.
    if isinstance(value, bool | int | float) or value is None:
        return True
    return isinstance(value, str) and bool(_HARMLESS_TEXT.fullmatch(value)) and ":" not in value


def _shown(arg: object) -> object:
    if _harmless(arg):
        return arg
    # An update is shown by its id alone: enough to follow it through the logs.
    update_id = getattr(arg, "update_id", None)
    return update_id if isinstance(update_id, int) else HIDDEN


def _private(record: logging.LogRecord) -> logging.LogRecord:
    if record.name.startswith(PAYLOAD_LOGGERS) and record.args:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_shown(arg) for arg in args)
        else:  # a single mapping argument
            record.args = (HIDDEN,) if "%s" in str(record.msg) else None
    if isinstance(record.msg, str) and TOKEN_PATTERN.search(record.msg):
        record.msg = TOKEN_PATTERN.sub(REDACTED, record.msg)
    return record


def hide_private_data_in_logs() -> None:
    """Make every log record, whoever handles it, free of payloads; installed once per process.

    A record factory rather than a handler filter: it applies before any handler (pytest's
    caplog, a log shipper, a handler some library adds) can see the record.
    """
    if _installed_factory:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _private(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed_factory.append(factory)


class JsonLines(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, and exc_info when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # RedactTokens has already turned any exception into cleaned exc_text.
        if record.exc_text:
            entry["exc_info"] = record.exc_text
        elif record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    token: str,
    *,
    level: int = logging.INFO,
    log_format: str = "text",
    stream: TextIO | None = None,
) -> None:
    """One line per event on stderr, payloads hidden at the source, tokens redacted."""
    hide_private_data_in_logs()
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic says at INFO which plugins and migrations it loads, on every command that opens
    # the database: operators see only nudgebot's own lines unless they debug.
    logging.getLogger("alembic").setLevel(
        logging.WARNING if level > logging.DEBUG else logging.NOTSET
    )
    # aiosqlite logs every statement with its parameters at DEBUG: notes hold check-in text.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
