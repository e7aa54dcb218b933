"""The one way every source's claims enter the ledger: planned rows, inserted once each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import Delivery
from nudgebot.db.queries import insert_or_ignore
from nudgebot.domain.deliveries import ClaimCounts
from nudgebot.domain.statuses import DeliveryStatus


def claim_row(
    *,
    subscriber_id: int,
    chat_id: int,
    kind: str,
    local_date: date,
    due_at: datetime,
    now: datetime,
    claimed_by: str,
    late: bool = False,
    tip_id: str | None = None,
) -> dict[str, object]:
    """One planned ledger row: claimed now, or (when `late`) expired without a send."""
    return {
        "subscriber_id": subscriber_id,
        "kind": str(kind),
        "local_date": local_date,
        "tip_id": tip_id,
        "status": (DeliveryStatus.EXPIRED if late else DeliveryStatus.CLAIMED).value,
        "due_at": due_at,
        "claimed_at": now,
        "claimed_by": claimed_by,
        "attempts": 0 if late else 1,
        "chat_id": chat_id,
    }


async def insert_claims(
    session: AsyncSession, rows: Sequence[dict[str, object]], counts: ClaimCounts
) -> dict[int, int]:
    """Write the planned rows in the caller's transaction; returns subscriber id -> delivery id
    of each row claimed here, and counts the expired ones.

    The ledger's UNIQUE (subscriber, kind, local date, ref) is the claim: a row another writer
    already holds is skipped, so a message is never claimed twice, across replicas and restarts.
    One statement for the batch with the same SQL every time (executemany), compiled once.
    """
    if not rows:
        return {}
    inserted = (
        await session.execute(
            insert_or_ignore(session, Delivery).returning(
                Delivery.id, Delivery.subscriber_id, Delivery.status
            ),
            list(rows),
        )
    ).all()
    counts.expired += sum(1 for *_, status in inserted if status == DeliveryStatus.EXPIRED)
    return {
        subscriber_id: delivery_id
        for delivery_id, subscriber_id, status in inserted
        if status == DeliveryStatus.CLAIMED
    }
