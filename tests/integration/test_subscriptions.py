"""Subscribing and changing settings schedule exactly the next tip the subscriber expects."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.services.errors import NotSubscribedError
from nudgebot.services.subscriptions import SubscriptionService


@pytest.fixture
def service(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> SubscriptionService:
    return SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9, 0)
    )


async def test_start_subscribes_with_the_default_zone_and_time(
    service: SubscriptionService, clock: ManualClock
) -> None:
    result = await service.start(100, user_id=100, language_code="en")
    assert result.is_new
    assert result.subscriber.timezone == "UTC"
    assert result.subscriber.send_time == time(9, 0)
    assert result.subscriber.next_due_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert result.subscriber.awaiting == "timezone"


async def test_start_twice_keeps_one_subscriber(service: SubscriptionService) -> None:
    await service.start(100, user_id=100, language_code="en")
    again = await service.start(100, user_id=100, language_code="en")
    assert not again.is_new
    assert not again.came_back


async def test_changing_zone_reschedules_in_local_time(service: SubscriptionService) -> None:
    await service.start(100, user_id=100, language_code="en")
    view = await service.set_timezone(100, "Europe/Berlin")
    # 06:00 UTC is 07:00 in Berlin on 2 March: 09:00 local is still ahead today.
    assert view.next_due_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert view.awaiting == "time"


async def test_a_time_already_past_today_schedules_tomorrow(service: SubscriptionService) -> None:
    await service.start(100, user_id=100, language_code="en")
    view = await service.set_send_time(100, time(5, 30))
    assert view.next_local_date == date(2026, 3, 3)
    assert view.next_due_at == datetime(2026, 3, 3, 5, 30, tzinfo=UTC)
    assert view.awaiting is None


async def test_pause_without_days_unschedules_and_resume_reschedules(
    service: SubscriptionService,
) -> None:
    await service.start(100, user_id=100, language_code="en")
    paused = await service.pause(100, None)
    assert paused.status == "paused"
    assert paused.next_due_at is None
    resumed, changed = await service.resume(100)
    assert changed
    assert resumed.status == "active"
    assert resumed.next_due_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_pause_for_three_days_skips_the_next_three_tip_days(
    service: SubscriptionService,
) -> None:
    await service.start(100, user_id=100, language_code="en")
    paused = await service.pause(100, 3)
    assert paused.paused_until == date(2026, 3, 4)
    assert paused.next_local_date == date(2026, 3, 5)


async def test_resume_when_active_reports_nothing_changed(service: SubscriptionService) -> None:
    await service.start(100, user_id=100, language_code="en")
    _, changed = await service.resume(100)
    assert not changed


async def test_stop_unschedules_and_start_brings_them_back(service: SubscriptionService) -> None:
    await service.start(100, user_id=100, language_code="en")
    stopped = await service.stop(100)
    assert stopped.status == "stopped"
    assert stopped.next_due_at is None
    back = await service.start(100, user_id=100, language_code="en")
    assert back.came_back
    assert back.subscriber.status == "active"
    assert back.subscriber.next_due_at is not None


async def test_settings_of_a_stranger_raise_not_subscribed(service: SubscriptionService) -> None:
    with pytest.raises(NotSubscribedError):
        await service.set_send_time(999, time(7, 0))


async def test_invalid_pause_length_is_refused(service: SubscriptionService) -> None:
    await service.start(100, user_id=100, language_code="en")
    with pytest.raises(ValueError, match="pause days"):
        await service.pause(100, 0)


async def test_start_late_in_the_day_schedules_tomorrow(
    service: SubscriptionService, clock: ManualClock
) -> None:
    clock.advance(timedelta(hours=10))  # 16:00 UTC
    result = await service.start(100, user_id=100, language_code="en")
    assert result.subscriber.next_local_date == date(2026, 3, 3)
