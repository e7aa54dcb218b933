"""What becomes of a claim whose process died: judged from what that process left behind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Fate(StrEnum):
    RELEASED = "released"  # surely never handed to the transport: due again, the attempt undone
    UNSENT = "unsent"  # answered, and the answer said not delivered: due again
    SENT = "sent"  # answered as delivered; only the record was missing
    UNKNOWN = "unknown"  # maybe on the wire when it died: never resent


@dataclass(frozen=True, slots=True)
class StaleClaim:
    """A claim older than the lease."""

    delivery_id: int
    claimed_by: str
    marked: bool  # committed as about to be handed to the transport


@dataclass(frozen=True)
class Testimony:
    """What one dead engine's send journal says, by the last line it wrote for each delivery."""

    # Every hand-over it made is written here: the machine did not restart since, so a
    # delivery it never names was never handed to the transport.
    complete: bool
    handed: frozenset[int] = frozenset()  # handed over, no answer written
    sent: Mapping[int, int] = field(default_factory=dict)  # delivery id -> message id
    unsent: frozenset[int] = frozenset()  # answered: surely not delivered


@dataclass(frozen=True, slots=True)
class Verdict:
    fate: Fate
    message_id: int | None = None


def verdict(claim: StaleClaim, testimony: Testimony | None) -> Verdict:
    """The fate of a stale claim; without a journal, any claim marked is 'unknown'."""
    if not claim.marked:
        return Verdict(Fate.RELEASED)
    if testimony is None:
        return Verdict(Fate.UNKNOWN)
    delivery = claim.delivery_id
    if delivery in testimony.sent:
        return Verdict(Fate.SENT, testimony.sent[delivery])
    if delivery in testimony.unsent:
        return Verdict(Fate.UNSENT)
    if testimony.complete and delivery not in testimony.handed:
        return Verdict(Fate.RELEASED)
    return Verdict(Fate.UNKNOWN)
