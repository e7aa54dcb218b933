"""Broadcast use cases: record an announcement once, find it again, and tally its outcomes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.db import broadcasts
from nudgebot.db.models import Broadcast
from nudgebot.domain.statuses import DeliveryStatus, SubscriberStatus


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Recorded:
    """A broadcast as the operator sees it; `new` is False when it was recorded before."""

    id: int
    recipients: int
    created_at: datetime
    new: bool


@dataclass(frozen=True, slots=True)
class Tally:
    """Where each recipient of one broadcast stands, read from the ledger."""

    recipients: int = 0
    sent: int = 0
    blocked: int = 0
    gone: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0  # stopped, paused or blocked the bot before their turn; or too late
    waiting: int = 0  # not claimed yet, or waiting for a retry
    in_flight: int = 0  # claimed and not recorded yet: sending now, or a run that died

    @property
    def done(self) -> int:
        return self.recipients - self.waiting - self.in_flight

    def summary(self) -> str:
        return (
            f"sent {self.sent}, blocked {self.blocked}, gone {self.gone}, failed {self.failed}, "
            f"unknown {self.unknown}, skipped {self.skipped}, waiting {self.waiting}, "
            f"in flight {self.in_flight}"
        )


def _tally(recipients: int, counts: dict[tuple[str, str], int]) -> Tally:
    by_status: dict[str, int] = {}
    blocked = gone = 0
    for (delivery_status, subscriber_status), count in counts.items():
        failed = delivery_status == DeliveryStatus.FAILED
        if failed and subscriber_status == SubscriberStatus.BLOCKED:
            blocked += count
        elif failed and subscriber_status == SubscriberStatus.GONE:
            gone += count
        else:
            by_status[delivery_status] = by_status.get(delivery_status, 0) + count
    return Tally(
        recipients=recipients,
        sent=by_status.get(DeliveryStatus.SENT, 0),
        blocked=blocked,
        gone=gone,
        failed=by_status.get(DeliveryStatus.FAILED, 0),
        unknown=by_status.get(DeliveryStatus.UNKNOWN, 0),
        skipped=by_status.get(DeliveryStatus.EXPIRED, 0),
        waiting=by_status.get(DeliveryStatus.PENDING, 0) + by_status.get(DeliveryStatus.RETRY, 0),
        in_flight=by_status.get(DeliveryStatus.CLAIMED, 0),
    )


def _recorded(broadcast: Broadcast, *, new: bool) -> Recorded:
    return Recorded(broadcast.id, broadcast.recipients, broadcast.created_at, new)


class EmptyBroadcastError(Exception):
    """Nobody is active to receive it; recording it would use the text up for nothing."""


class BroadcastService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def record(self, text: str, *, allow_empty: bool = True) -> Recorded:
        """Record the announcement for everyone active now, or find it if this text was
        recorded before: the same text is the same broadcast, so running again resumes it.

        With allow_empty=False a new broadcast with no recipient raises EmptyBroadcastError and
        nothing is kept, so the same text can still go out once people have subscribed.
        """
        digest = digest_of(text)
        async with self._sessions.begin() as session:
            existing = await broadcasts.by_digest(session, digest)
            if existing is not None:
                return _recorded(existing, new=False)
            broadcast_id = await broadcasts.record(session, digest, text, self._clock.now())
            # None: another process recorded the same text between our look and our insert.
            new = broadcast_id is not None
            broadcast = await broadcasts.by_digest(session, digest)
            assert broadcast is not None
            if new and broadcast.recipients == 0 and not allow_empty:
                raise EmptyBroadcastError  # leaving the transaction rolls the insert back
            return _recorded(broadcast, new=new)

    async def find(self, broadcast_id: int) -> Recorded | None:
        async with self._sessions() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            return None if broadcast is None else _recorded(broadcast, new=False)

    async def tally(self, broadcast: Recorded) -> Tally:
        async with self._sessions() as session:
            counts = await broadcasts.outcome_counts(session, broadcast.id)
        return _tally(broadcast.recipients, counts)

    async def next_retry_at(self, broadcast: Recorded) -> datetime | None:
        async with self._sessions() as session:
            return await broadcasts.next_retry_at(session, broadcast.id)
