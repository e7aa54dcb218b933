"""Logging set-up that can never leak the bot token."""

from __future__ import annotations

import logging
import re

# Any bot token: the numeric bot id, a colon and the 35-character secret.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[redacted-token]"


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


def configure_logging(token: str, *, level: int = logging.INFO) -> None:
    """One line per event on stderr, every handler behind the redacting filter."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
