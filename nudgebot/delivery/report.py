"""What one drain of the due queue did, in totals and per kind of message."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from nudgebot.domain.deliveries import SendResult
from nudgebot.domain.statuses import DeliveryStatus, SubscriberStatus


def verdict(result: SendResult) -> str:
    """The word a report counts a result under: sent, retry, unknown, blocked, gone or failed."""
    if result.status in (DeliveryStatus.SENT, DeliveryStatus.RETRY, DeliveryStatus.UNKNOWN):
        return str(result.status)
    if result.subscriber_status in (SubscriberStatus.BLOCKED, SubscriberStatus.GONE):
        return str(result.subscriber_status)
    return "failed"


@dataclass
class TickReport:
    """What one drain of the due queue did; printed by `nudgebot deliver --once`."""

    claimed: int = 0
    sent: int = 0
    retry: int = 0
    unknown: int = 0
    expired: int = 0
    failed: int = 0
    blocked: int = 0
    gone: int = 0
    stale_unknown: int = 0
    # Claims a stopped process never handed to the transport, due again at once.
    released: int = 0
    # Claims a stopped process had sent, as its send journal says: recorded 'sent'.
    recovered: int = 0
    batches: int = 0
    # (kind, verdict) -> how many: the metrics count each kind of message on its own.
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, results: Sequence[SendResult]) -> None:
        for result in results:
            word = verdict(result)
            setattr(self, word, getattr(self, word) + 1)
            self.by_kind[(result.claim.kind, word)] += 1

    def merge(self, other: TickReport) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def since(self, earlier: TickReport) -> TickReport:
        """What happened between `earlier` (a copy of running totals) and now."""
        return TickReport(
            **{f.name: getattr(self, f.name) - getattr(earlier, f.name) for f in fields(self)}
        )

    def summary(self) -> str:
        return (
            f"claimed {self.claimed}, sent {self.sent}, retry later {self.retry}, "
            f"unknown {self.unknown + self.stale_unknown}, expired {self.expired}, "
            f"blocked {self.blocked}, gone {self.gone}, failed {self.failed}"
            + (f", released unsent {self.released}" if self.released else "")
            + (f", sent before a crash {self.recovered}" if self.recovered else "")
        )
