"""What the delivery engine and its ledger exchange: a claimed message and what sending it did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from nudgebot.domain.statuses import DeliveryKind, DeliveryStatus, SubscriberStatus


@dataclass(frozen=True, slots=True)
class Claim:
    """One claimed message, committed to the ledger before anything is sent.

    `kind` says which source renders it (the daily tip, or another kind of scheduled message);
    `tip_id` is the tip it is about, if any; `ref` what else it refers to (a broadcast's id).
    """

    delivery_id: int
    subscriber_id: int
    chat_id: int
    tip_id: str
    local_date: date
    attempts: int
    kind: str = DeliveryKind.TIP
    focus: tuple[str, ...] = ()  # the subscriber's focus habits, for one-tap buttons
    ref: str = ""
    language: str | None = None  # the subscriber's; the message is rendered in it


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one send attempt did, as the ledger records it."""

    claim: Claim
    status: DeliveryStatus
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    subscriber_status: SubscriberStatus | None = None  # blocked or gone
    new_chat_id: int | None = None  # the group migrated to a supergroup


@dataclass
class ClaimCounts:
    """What a claim found besides messages to send: rows it expired, claims whose lease ran out
    (maybe sent: unknown; never handed to the transport: released)."""

    expired: int = 0
    stale_unknown: int = 0
    released: int = 0
    recovered: int = 0  # answered as delivered, as a dead process's journal says: now 'sent'


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """The terms of one claim: the moment, how many it may take, who takes them, what it counts."""

    now: datetime
    limit: int
    claimed_by: str
    counts: ClaimCounts = field(default_factory=ClaimCounts)
