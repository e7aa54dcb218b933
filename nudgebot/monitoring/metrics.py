"""Prometheus metrics of one Application, in a registry of its own (never the global one)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from nudgebot.delivery.report import TickReport

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

# A report's verdicts that end a message for good, and the reason label each gets.
_FAILED = {"blocked": "blocked", "gone": "gone", "failed": "error"}

# A tick drains everything due, so a large cohort at the free rate can take many minutes.
_TICK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)


class Metrics:
    """The counters an operator watches; updated by observers, read by GET /metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages_sent = Counter(
            "nudgebot_messages_sent",
            "Scheduled messages Telegram accepted, by kind (tip, reminder, summary, broadcast).",
            ["kind"],
            registry=r,
        )
        self.messages_failed = Counter(
            "nudgebot_messages_failed",
            "Scheduled messages that will not be sent, by kind and reason (blocked, gone, error).",
            ["kind", "reason"],
            registry=r,
        )
        self.messages_retry = Counter(
            "nudgebot_messages_retry",
            "Sends that surely did not reach Telegram and wait for a later tick, by kind.",
            ["kind"],
            registry=r,
        )
        self.deliveries_unknown = Counter(
            "nudgebot_deliveries_unknown",
            "Sends that may or may not have arrived: never resent, counted here.",
            registry=r,
        )
        self.deliveries_expired = Counter(
            "nudgebot_deliveries_expired",
            "Scheduled messages skipped because their catch-up window closed.",
            registry=r,
        )
        self.checkins = Counter(
            "nudgebot_checkins",
            "Check-ins recorded, by source (button, text) and result.",
            ["source", "result"],
            registry=r,
        )
        self.tick_duration = Histogram(
            "nudgebot_tick_duration_seconds",
            "How long one delivery pass took, from first claim to last record.",
            buckets=_TICK_BUCKETS,
            registry=r,
        )
        self.backlog_due = Gauge(
            "nudgebot_backlog_due", "Subscribers whose tip is due now (read at scrape).", registry=r
        )
        self.updates = Counter(
            "nudgebot_updates",
            "Telegram updates taken for handling, by type.",
            ["type"],
            registry=r,
        )
        self.duplicate_updates = Counter(
            "nudgebot_duplicate_updates",
            "Webhook updates dropped because their update_id was already handled.",
            registry=r,
        )
        self.handler_errors = Counter(
            "nudgebot_handler_errors", "Errors that reached the error handler.", registry=r
        )

    def observe_tick(self, report: TickReport, seconds: float) -> None:
        self.tick_duration.observe(seconds)
        for (kind, verdict), count in report.by_kind.items():
            if verdict == "sent":
                self.messages_sent.labels(kind=kind).inc(count)
            elif verdict == "retry":
                self.messages_retry.labels(kind=kind).inc(count)
            elif verdict in _FAILED:
                self.messages_failed.labels(kind=kind, reason=_FAILED[verdict]).inc(count)
        self.deliveries_unknown.inc(report.unknown + report.stale_unknown)
        self.deliveries_expired.inc(report.expired)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
