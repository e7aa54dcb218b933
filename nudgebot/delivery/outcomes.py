"""What a Telegram error means for one send: retry later, maybe sent, or failed for good."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from nudgebot.domain.deliveries import Claim, SendResult
from nudgebot.domain.statuses import DeliveryStatus, SubscriberStatus
from nudgebot.telegram.aiohttp_request import is_surely_not_sent
from nudgebot.telegram.rate_limiter import retry_after_seconds


def retry_delay(attempts: int, base: timedelta, most: timedelta, jitter: float) -> timedelta:
    """Exponential backoff from `base`, capped at `most`, spread by `jitter` (about 0.8-1.2)."""
    delay: timedelta = min(base * (2 ** min(attempts - 1, 10)), most)
    return delay * jitter


def result_of_error(
    claim: Claim, error: TelegramError, *, now: datetime, backoff: timedelta
) -> SendResult:
    """The ledger's record of a send that raised `error` (ChatMigrated is resent, not here).

    `backoff` is how long a send that surely did not reach Telegram waits for its retry.
    """
    if isinstance(error, Forbidden):
        # "bot was blocked by the user", "user is deactivated": nothing more until /start.
        return SendResult(
            claim,
            DeliveryStatus.FAILED,
            error=error.message,
            subscriber_status=SubscriberStatus.BLOCKED,
        )
    if isinstance(error, RetryAfter):
        return _retry(claim, error, now + timedelta(seconds=retry_after_seconds(error)))
    if isinstance(error, BadRequest):
        # BadRequest subclasses NetworkError in PTB, so it must be looked at first.
        gone = "chat not found" in error.message.lower()
        return SendResult(
            claim,
            DeliveryStatus.FAILED,
            error=error.message,
            subscriber_status=SubscriberStatus.GONE if gone else None,
        )
    if isinstance(error, TimedOut | NetworkError):
        if is_surely_not_sent(error):
            return _retry(claim, error, now + backoff)
        return SendResult(claim, DeliveryStatus.UNKNOWN, error=f"maybe sent: {error.message}")
    return SendResult(claim, DeliveryStatus.FAILED, error=error.message)


def _retry(claim: Claim, error: TelegramError, at: datetime) -> SendResult:
    return SendResult(claim, DeliveryStatus.RETRY, error=error.message, retry_at=at)
