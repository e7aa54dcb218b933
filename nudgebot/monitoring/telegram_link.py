"""Whether the Bot API answers, as the bot's own calls find it; says when it answers again."""

from __future__ import annotations

import logging

from nudgebot.logs import REDACTED, TOKEN_PATTERN

log = logging.getLogger(__name__)

NOT_YET = "no answer from Telegram yet"


class TelegramLink:
    """Reachable or not, the last error, and whether start-up has reached Telegram.

    Every call reports here (see observed_request.py). A call counts as Telegram's answer only
    if it began after the last failure: a long poll answered just as the network went down says
    nothing about the outage that followed, so it cannot end that outage early.
    """

    def __init__(self, token: str = "") -> None:
        self._token = token
        self.serving = False  # start-up reached Telegram and intake runs
        self.reachable = False
        self.error: str | None = NOT_YET
        self.failures = 0  # every failed call so far; a call remembers the count it began at

    def answered(self, began_after: int) -> None:
        """A call that began when `began_after` failures had happened got an HTTP answer."""
        if self.reachable or began_after < self.failures:
            return
        self.reachable = True
        self.error = None
        if self.serving:
            log.info("Telegram reachable again")

    def failed(self, error: BaseException | str) -> None:
        """A call got no answer (refused, no route, timed out, cut short): `error` says why."""
        self.failures += 1
        self.error = self.describe(error)
        if self.reachable and self.serving:
            log.warning("Telegram unreachable (%s); retrying", self.error)
        self.reachable = False

    def start_serving(self) -> None:
        """Start-up is over; from now on an outage and its end are logged once each."""
        self.serving = True

    def describe(self, error: BaseException | str) -> str:
        """The error's kind and message in one line, never with the token in it."""
        if isinstance(error, BaseException):
            text = " ".join(str(error).split()) or "no details"
            error = f"{type(error).__name__}: {text}"
        if self._token:
            error = error.replace(self._token, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, error)
