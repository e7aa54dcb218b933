"""The weekly summary's schedule on each subscriber, and its claims in the delivery ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.ledger import ClaimCounts, Job
from nudgebot.db.models import Delivery, DeliveryKind, DeliveryStatus, Subscriber, SubscriberStatus
from nudgebot.db.queries import insert_or_ignore
from nudgebot.domain.schedule import next_weekly
from nudgebot.services.views import parse_hh_mm

# Stopped, blocked or gone: no summary until they /start again (which schedules it anew).
_ENDED = (SubscriberStatus.STOPPED, SubscriberStatus.BLOCKED, SubscriberStatus.GONE)


def schedule_summary(row: Subscriber, not_before: datetime, after: date | None = None) -> None:
    """Set the next summary instant (or clear it when off); DST handled by the domain code."""
    if not row.summary_enabled or row.status in _ENDED:
        row.next_summary_at = row.next_summary_date = None
        return
    due = next_weekly(
        not_before,
        ZoneInfo(row.timezone),
        row.summary_day,
        parse_hh_mm(row.summary_time),
        after=after,
    )
    row.next_summary_at, row.next_summary_date = due.at, due.local_date


async def claim_summaries(
    session: AsyncSession,
    now: datetime,
    *,
    limit: int,
    catch_up: timedelta,
    claimed_by: str,
    counts: ClaimCounts,
) -> list[Job]:
    """Claim due summaries: one ledger row per (subscriber, week's summary date), then advance.

    One indexed range scan on next_summary_at finds the due rows; the UNIQUE claim row makes a
    second summary for the same week impossible, across restarts and replicas.
    """
    rows = list(
        (
            await session.execute(
                select(Subscriber)
                .where(Subscriber.next_summary_at <= now)
                .order_by(Subscriber.next_summary_at)
                .limit(limit)
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
        late = now - row.next_summary_at > catch_up
        planned.append(
            {
                "subscriber_id": row.id,
                "kind": DeliveryKind.SUMMARY,
                "local_date": row.next_summary_date,
                "status": DeliveryStatus.EXPIRED if late else DeliveryStatus.CLAIMED,
                "due_at": row.next_summary_at,
                "claimed_at": now,
                "claimed_by": claimed_by,
                "attempts": 0 if late else 1,
                "chat_id": row.chat_id,
            }
        )
    jobs: list[Job] = []
    if planned:
        inserted = (
            await session.execute(
                insert_or_ignore(session, Delivery)
                .values(planned)
                .returning(Delivery.id, Delivery.subscriber_id, Delivery.status)
            )
        ).all()
        claimed = {sub: delivery for delivery, sub, status in inserted if status == "claimed"}
        counts.expired += sum(1 for *_, status in inserted if status == DeliveryStatus.EXPIRED)
        for row in rows:
            if row.id in claimed:
                assert row.next_summary_date is not None
                jobs.append(
                    Job(
                        claimed[row.id],
                        row.id,
                        row.chat_id,
                        "",
                        row.next_summary_date,
                        attempts=1,
                        kind=DeliveryKind.SUMMARY,
                    )
                )
    for row in rows:
        if row.next_summary_at is None:
            continue
        # Next week's, or this week's if a restart missed it and it is still within catch-up.
        schedule_summary(row, now - catch_up, after=row.next_summary_date)
        row.updated_at = now
    return jobs
