"""The states a subscriber, a delivery and a snooze can be in, and the kinds of message sent."""

from __future__ import annotations

from enum import StrEnum


class SubscriberStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    BLOCKED = "blocked"
    GONE = "gone"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # a broadcast's recipient, recorded, waiting for its turn to be claimed
    CLAIMED = "claimed"  # claimed by a tick; the send may be in flight
    RETRY = "retry"  # surely not sent; try again at next_attempt_at
    SENT = "sent"
    UNKNOWN = "unknown"  # maybe sent: never resent, counted
    EXPIRED = "expired"  # not sent within the catch-up window
    FAILED = "failed"  # the chat is blocked or gone


class DeliveryKind(StrEnum):
    TIP = "tip"
    REMINDER = "reminder"  # the one snoozed reminder of a local day
    BROADCAST = "broadcast"
    SUMMARY = "summary"  # the weekly progress picture


class SnoozeStatus(StrEnum):
    PENDING = "pending"  # waiting for remind_at
    CLAIMED = "claimed"  # handed to the delivery ledger (which tracks the send itself)
    CANCELLED = "cancelled"  # a check-in came first
    EXPIRED = "expired"  # the local day or the catch-up window ended first
