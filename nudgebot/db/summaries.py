"""The weekly summary's schedule on each subscriber, and its claims in the delivery ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.claims import claim_row, insert_claims
from nudgebot.db.ledger import Moment
from nudgebot.db.models import Subscriber
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.schedule import next_weekly
from nudgebot.domain.statuses import DeliveryKind, SubscriberStatus

# Stopped, blocked or gone: no summary until they /start again (which schedules it anew).
_ENDED = (SubscriberStatus.STOPPED, SubscriberStatus.BLOCKED, SubscriberStatus.GONE)


def summary_due(now: Moment) -> ColumnElement[bool]:
    """Shared by the claim and by the idle tick's probe, so the two never disagree."""
    return Subscriber.next_summary_at <= now


async def quiet_until(session: AsyncSession, subscriber_id: int) -> datetime | None:
    """Until when a crisis reply keeps streak talk away from the subscriber (None: it does not)."""
    return await session.scalar(
        select(Subscriber.quiet_until).where(Subscriber.id == subscriber_id)
    )


def schedule_summary(row: Subscriber, not_before: datetime, after: date | None = None) -> None:
    """Set the next summary instant (or clear it when off); DST handled by the domain code."""
    if not row.summary_enabled or row.status in _ENDED:
        row.next_summary_at = row.next_summary_date = None
        return
    due = next_weekly(
        not_before, ZoneInfo(row.timezone), row.summary_day, row.summary_time, after=after
    )
    row.next_summary_at, row.next_summary_date = due.at, due.local_date


async def claim_summaries(
    session: AsyncSession, request: ClaimRequest, *, catch_up: timedelta
) -> list[Claim]:
    """Claim due summaries: one ledger row per (subscriber, week's summary date), then advance.

    One indexed range scan on next_summary_at finds the due rows; the UNIQUE claim row makes a
    second summary for the same week impossible, across restarts and replicas.
    """
    now = request.now
    rows = list(
        (
            await session.execute(
                select(Subscriber)
                .where(summary_due(now))
                .order_by(Subscriber.next_summary_at)
                .limit(request.limit)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    )
    planned: list[dict[str, object]] = []
    for row in rows:
        if row.status in _ENDED or not row.summary_enabled:
            schedule_summary(row, now)  # clears it: the row leaves the due range for good
            continue
        assert row.next_summary_at is not None
        assert row.next_summary_date is not None
        if row.status == SubscriberStatus.PAUSED:
            continue  # a break means quiet: this week's summary is skipped, not owed
        planned.append(
            claim_row(
                subscriber_id=row.id,
                chat_id=row.chat_id,
                kind=DeliveryKind.SUMMARY,
                local_date=row.next_summary_date,
                due_at=row.next_summary_at,
                now=now,
                claimed_by=request.claimed_by,
                late=now - row.next_summary_at > catch_up,
            )
        )
    claimed = await insert_claims(session, planned, request.counts)
    claims: list[Claim] = []
    for row in rows:
        if row.id in claimed:
            assert row.next_summary_date is not None
            claims.append(
                Claim(
                    claimed[row.id],
                    row.id,
                    row.chat_id,
                    "",
                    row.next_summary_date,
                    attempts=1,
                    kind=DeliveryKind.SUMMARY,
                    language=row.language or row.language_code,
                )
            )
    for row in rows:
        if row.next_summary_at is None:
            continue
        # Next week's, or this week's if a restart missed it and it is still within catch-up.
        schedule_summary(row, now - catch_up, after=row.next_summary_date)
        row.updated_at = now
    return claims
