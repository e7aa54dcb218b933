"""Operator statistics computed from the database, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db.models import CheckIn, Delivery, Subscriber
from nudgebot.services.stats import StatsService

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def subscriber(chat_id: int, status: str) -> Subscriber:
    return Subscriber(
        chat_id=chat_id,
        status=status,
        timezone="UTC",
        send_time=time(9),
        created_at=NOW - timedelta(days=30),
        updated_at=NOW,
    )


def delivery(subscriber_id: int, tip_id: str, status: str, at: datetime) -> Delivery:
    return Delivery(
        subscriber_id=subscriber_id,
        local_date=at.date(),
        tip_id=tip_id,
        status=status,
        due_at=at,
        claimed_at=at,
        sent_at=at if status == "sent" else None,
    )


def checkin(subscriber_id: int, tip_id: str, day: date, outcome: str = "done") -> CheckIn:
    return CheckIn(
        subscriber_id=subscriber_id,
        local_date=day,
        tip_id=tip_id,
        outcome=outcome,
        source="button",
        created_at=NOW,
        updated_at=NOW,
    )


async def seed(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        rows = [
            subscriber(1, "active"),
            subscriber(2, "active"),
            subscriber(3, "paused"),
            subscriber(4, "blocked"),
        ]
        session.add_all(rows)
        await session.flush()
        one, two, three, four = (row.id for row in rows)
        today, yesterday = NOW.replace(hour=9), NOW.replace(hour=9) - timedelta(days=1)
        long_ago = NOW - timedelta(days=9)
        session.add_all(
            [
                delivery(one, "fiber", "sent", today),
                delivery(two, "fiber", "sent", today),
                delivery(three, "fiber", "sent", yesterday),
                delivery(one, "fermented", "sent", yesterday),
                delivery(two, "fermented", "sent", long_ago),
                delivery(four, "fermented", "unknown", long_ago),
                delivery(three, "hydration", "expired", today),
                delivery(four, "sleep", "failed", today),
            ]
        )
        session.add_all(
            [
                checkin(one, "fiber", today.date()),
                checkin(two, "fiber", today.date(), "skipped"),
                checkin(one, "fermented", yesterday.date()),
            ]
        )


async def test_stats_count_subscribers_sends_rates_and_losses(
    sessions: async_sessionmaker[AsyncSession], content: Content
) -> None:
    await seed(sessions)
    stats = await StatsService(sessions, ManualClock(NOW), content).stats()
    assert stats.subscribers == {
        "active": 2,
        "paused": 1,
        "stopped": 0,
        "blocked": 1,
        "gone": 0,
    }
    assert (stats.sent_today, stats.sent_7_days) == (2, 4)
    assert (stats.unknown, stats.expired) == (1, 1)
    rates = {tip.tip_id: (tip.checkins, tip.sent) for tip in stats.tips}
    assert rates["fiber"] == (2, 3)
    assert rates["fermented"] == (1, 2)
    assert rates["sleep"] == (0, 0)
    assert [tip.tip_id for tip in stats.tips] == list(content.tip_ids)


async def test_an_empty_database_gives_zeros_and_no_rate(
    sessions: async_sessionmaker[AsyncSession], content: Content
) -> None:
    stats = await StatsService(sessions, ManualClock(NOW), content).stats()
    assert sum(stats.subscribers.values()) == 0
    assert all(tip.rate is None for tip in stats.tips)
    assert "subscribers: 0" in stats.render()


async def test_the_text_shows_each_figure(
    sessions: async_sessionmaker[AsyncSession], content: Content
) -> None:
    await seed(sessions)
    text = (await StatsService(sessions, ManualClock(NOW), content).stats()).render()
    assert "subscribers: 4 (active 2, paused 1, stopped 0, blocked 1, gone 0)" in text
    assert "tips sent today (UTC): 2" in text
    assert "tips sent in the last 7 days: 4" in text
    assert "unknown deliveries (maybe sent): 1" in text
    assert "expired deliveries (not sent in time): 1" in text
    assert "fiber" in text
    assert "2/3  67%" in text
