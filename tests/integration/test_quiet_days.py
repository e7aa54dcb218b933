"""After a crisis reply, no streak talk until the subscriber's local midnight, on every replica."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.clock import ManualClock
from nudgebot.db.engine import create_session_factory
from nudgebot.services.safety import SafetyService, end_of_local_day
from nudgebot.services.subscriptions import SubscriptionService

ADA = 1
EVENING_IN_BERLIN = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 there


def replica(database: AsyncEngine, clock: ManualClock) -> SafetyService:
    """A SafetyService with its own session factory, as another process would have."""
    return SafetyService(create_session_factory(database), {}, clock)


async def subscribe(database: AsyncEngine, clock: ManualClock, zone: str) -> None:
    subscriptions = SubscriptionService(
        create_session_factory(database), clock, default_timezone=zone, default_send_time=time(9)
    )
    await subscriptions.start(ADA, user_id=ADA, language_code="en")


async def test_a_quiet_day_set_on_one_replica_is_seen_by_another(
    database: AsyncEngine, clock: ManualClock
) -> None:
    await subscribe(database, clock, "Europe/Berlin")
    clock.set(EVENING_IN_BERLIN)
    await replica(database, clock).quiet_today(ADA)
    assert await replica(database, clock).is_quiet(ADA) is True


async def test_the_quiet_day_ends_at_the_subscribers_local_midnight(
    database: AsyncEngine, clock: ManualClock
) -> None:
    await subscribe(database, clock, "Europe/Berlin")
    clock.set(EVENING_IN_BERLIN)
    await replica(database, clock).quiet_today(ADA)
    clock.set(datetime(2026, 3, 2, 22, 59, tzinfo=UTC))  # 23:59 in Berlin
    assert await replica(database, clock).is_quiet(ADA) is True
    clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))  # midnight in Berlin
    assert await replica(database, clock).is_quiet(ADA) is False


async def test_without_a_crisis_reply_the_day_is_not_quiet(
    database: AsyncEngine, clock: ManualClock
) -> None:
    await subscribe(database, clock, "UTC")
    assert await replica(database, clock).is_quiet(ADA) is False


async def test_someone_who_never_subscribed_gets_no_row_for_a_quiet_day(
    database: AsyncEngine, clock: ManualClock
) -> None:
    service = replica(database, clock)
    await service.quiet_today(404)
    assert await service.is_quiet(404) is False


def test_the_end_of_a_local_day_is_the_next_local_midnight_in_utc() -> None:
    evening_in_new_york = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)  # 22:00 on the 2nd there
    assert end_of_local_day(evening_in_new_york, "America/New_York") == datetime(
        2026, 3, 3, 5, 0, tzinfo=UTC
    )
    assert end_of_local_day(EVENING_IN_BERLIN, "UTC") == EVENING_IN_BERLIN.replace(
        hour=0, minute=0
    ) + timedelta(days=1)
