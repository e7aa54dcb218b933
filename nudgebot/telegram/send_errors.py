"""The errors of a send that failed, and whether one proves the message never went out."""

from __future__ import annotations

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

__all__ = [
    "ConnectTimedOut",
    "ConnectionLost",
    "PoolTimedOut",
    "SendNotStarted",
    "is_surely_not_sent",
]


# Named like PTB's own errors (TimedOut, RetryAfter), which drop the Error suffix.
class SendNotStarted(NetworkError):  # noqa: N818
    """No byte of the request left this process: retrying cannot double-send."""

    __slots__ = ()


class PoolTimedOut(TimedOut, SendNotStarted):
    """Waited longer than pool_timeout for a free connection; the request was not sent."""

    __slots__ = ()


class ConnectTimedOut(TimedOut, SendNotStarted):
    """Opening the connection took longer than connect_timeout; the request was not sent."""

    __slots__ = ()


class ConnectionLost(NetworkError):  # noqa: N818
    """The connection failed after the request may have reached Telegram."""

    __slots__ = ()


def is_surely_not_sent(exc: BaseException) -> bool:
    """True when `exc` proves Telegram did not deliver the message, so a retry cannot double it.

    True: `SendNotStarted` (pool timeout, connect timeout, connect errors), `RetryAfter` (429),
    Telegram's refusals (`BadRequest`, `Forbidden`, `InvalidToken`, `Conflict`, `ChatMigrated`)
    and a plain `NetworkError` that PTB raised for any other error status (5xx, 502, ...).
    False: read or total `TimedOut`, `ConnectionLost`, anything else: the request may have
    gone out and been acted on.
    """
    if isinstance(exc, SendNotStarted | RetryAfter):
        return True
    if isinstance(exc, TimedOut):
        return False
    if isinstance(exc, BadRequest | Forbidden | InvalidToken | Conflict | ChatMigrated):
        return True
    # PTB raises exactly NetworkError, with no cause (or the body's parse error), when
    # Telegram answered with an error status; transport failures carry their own cause.
    return type(exc) is NetworkError and (
        exc.__cause__ is None or isinstance(exc.__cause__, TelegramError)
    )
