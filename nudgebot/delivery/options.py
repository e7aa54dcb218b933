"""How the delivery engine batches, paces and retries: read once from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Batch size, concurrency, catch-up window, claim lease and retry backoff."""

    batch_size: int = 200
    concurrency: int = 64
    catch_up: timedelta = timedelta(hours=3)
    # Longer than any single send can take (timeouts and rate-limit waits included).
    lease: timedelta = timedelta(minutes=10)
    retry_base: timedelta = timedelta(seconds=15)
    retry_max: timedelta = timedelta(minutes=10)
    paid_broadcast: bool = False
    record_attempts: int = 5
