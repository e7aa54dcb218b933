"""How the delivery engine batches, paces and retries: read once from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from nudgebot.telegram.rate_limiter import paid_bucket

# Telegram's ceiling for messages sent with allow_paid_broadcast.
PAID_BROADCAST_RATE = 1000.0


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Batch size, concurrency, rate, catch-up window, claim lease and retry backoff."""

    batch_size: int = 200
    concurrency: int = 64
    catch_up: timedelta = timedelta(hours=3)
    # Longer than any single send can take (timeouts and rate-limit waits included).
    lease: timedelta = timedelta(minutes=10)
    retry_base: timedelta = timedelta(seconds=15)
    retry_max: timedelta = timedelta(minutes=10)
    paid_broadcast: bool = False
    record_attempts: int = 5
    # The overall rate the rate limiter keeps (NUDGEBOT_SEND_RATE): sizes the claim window.
    send_rate: float = 30.0
    # Where the engine journals its sends (nudgebot/delivery/journal.py); None: no journal, and a
    # crash makes every claim marked as about to be sent 'unknown'.
    journal_dir: Path | None = None

    @property
    def bulk_rate(self) -> float:
        """Messages per second the engine's sends go out at: paid broadcasts have their own
        bucket in the rate limiter, refilled a little slower than Telegram's 1,000/s to make
        room for its burst."""
        if self.paid_broadcast:
            return paid_bucket(PAID_BROADCAST_RATE)[0]
        return self.send_rate
