"""Logging set-up that can never leak the bot token or what users write: text or JSON lines."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

# Any bot token: the numeric bot id, a colon and the 35-character secret.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[redacted-token]"
OMITTED = "[omitted]"
LOG_FORMATS = ("text", "json")

# python-telegram-bot's DEBUG lines that print whole updates or API payloads, which hold what
# users wrote (check-ins, notes). Their templates are rewritten to keep only the harmless part.
_PAYLOAD_TEMPLATES = {
    "Processing update %s": "Processing update %s",
    "Calling Bot API endpoint `%s` with parameters `%s`": "Calling Bot API endpoint `%s`",
    "Call to Bot API endpoint `%s` finished with return value `%s`": (
        "Call to Bot API endpoint `%s` finished"
    ),
    "Webhook received data: %s": "Webhook received data",
    "Dropping pending update: %s": "Dropping pending update",
}


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


class OmitPayloads(logging.Filter):
    """Drops update and API payloads from library DEBUG lines; keeps update ids and methods."""

    def filter(self, record: logging.LogRecord) -> bool:
        template = record.msg if isinstance(record.msg, str) else None
        short = _PAYLOAD_TEMPLATES.get(template or "")
        if short is None or not isinstance(record.args, tuple):
            return True
        args = record.args
        if template == "Processing update %s":
            args = (getattr(args[0], "update_id", OMITTED),) if args else ()
        record.msg = short
        record.args = args[: short.count("%s")]
        return True


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
    """One line per event on stderr, every handler behind the payload and token filters."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Payloads go first, while the record still holds its template and arguments.
    handler.addFilter(OmitPayloads())
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: notes hold check-in text.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
