"""Snoozed reminders in the database: claimed once, cancelled by a check-in, expired quietly."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db.models import CheckIn, Delivery, Snooze
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.sources.reminders import ReminderSource
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest
from nudgebot.domain.replies import Outcome as Answer
from nudgebot.domain.snooze import SnoozeChoice
from nudgebot.services.checkins import CheckinService
from nudgebot.services.snoozes import SnoozeRefusal, SnoozeService
from tests.integration.test_checkins import CHAT, checkins, deliver_today

__all__ = ["checkins"]  # the fixture, shared with the check-in tests


@pytest.fixture
def snoozes(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> SnoozeService:
    return SnoozeService(sessions, clock)


@pytest.fixture
def source(sessions: async_sessionmaker[AsyncSession], content: Content) -> ReminderSource:
    return ReminderSource(content, sessions, EngineOptions(catch_up=timedelta(hours=3)))


async def claim(
    sessions: async_sessionmaker[AsyncSession], source: ReminderSource, clock: ManualClock
) -> tuple[list[Claim], ClaimCounts]:
    counts = ClaimCounts()
    async with sessions.begin() as session:
        jobs = await source.claim(session, ClaimRequest(clock.now(), 10, "t", counts))
    return jobs, counts


async def status(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    async with sessions() as session:
        return await session.scalar(select(Snooze.status))


async def reminder_rows(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(Delivery).where(Delivery.kind == "reminder")
        return int(await session.scalar(query) or 0)


async def test_a_due_snooze_is_claimed_once_as_the_days_reminder(
    checkins: CheckinService,
    snoozes: SnoozeService,
    source: ReminderSource,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    result = await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.ONE_HOUR)
    assert result.refusal is None
    clock.advance(timedelta(minutes=59))
    assert (await claim(sessions, source, clock))[0] == []
    clock.advance(timedelta(minutes=1))
    [reminder], _ = await claim(sessions, source, clock)
    assert (reminder.kind, reminder.tip_id) == ("reminder", job.tip_id)
    assert (await claim(sessions, source, clock))[0] == []
    assert await reminder_rows(sessions) == 1


async def test_snoozing_again_after_the_reminder_went_is_refused(
    checkins: CheckinService,
    snoozes: SnoozeService,
    source: ReminderSource,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.ONE_HOUR)
    clock.advance(timedelta(hours=1))
    await claim(sessions, source, clock)
    again = await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.ONE_HOUR)
    assert again.refusal == SnoozeRefusal.TOO_LATE
    clock.advance(timedelta(hours=1))
    assert (await claim(sessions, source, clock))[0] == []
    assert await reminder_rows(sessions) == 1


async def test_a_check_in_before_the_reminder_cancels_it(
    checkins: CheckinService,
    snoozes: SnoozeService,
    source: ReminderSource,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.THREE_HOURS)
    await checkins.record_button(CHAT, job.delivery_id, Answer.SKIPPED)
    clock.advance(timedelta(hours=3))
    assert (await claim(sessions, source, clock))[0] == []
    assert await status(sessions) == "cancelled"


async def test_the_claim_itself_refuses_a_day_already_logged(
    checkins: CheckinService,
    snoozes: SnoozeService,
    source: ReminderSource,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.ONE_HOUR)
    async with sessions.begin() as session:  # a check-in written without cancelling
        session.add(
            CheckIn(
                subscriber_id=job.subscriber_id,
                local_date=job.local_date,
                tip_id=job.tip_id,
                outcome="done",
                source="button",
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    clock.advance(timedelta(hours=1))
    assert (await claim(sessions, source, clock))[0] == []
    assert await status(sessions) == "cancelled"


async def test_a_check_in_racing_a_claim_waits_and_the_reminder_still_goes_once(
    checkins: CheckinService,
    snoozes: SnoozeService,
    source: ReminderSource,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.ONE_HOUR)
    clock.advance(timedelta(hours=1))
    async with sessions.begin() as session:
        jobs = await source.claim(session, ClaimRequest(clock.now(), 10, "t", ClaimCounts()))
        # The check-in starts while the claim's transaction is open: it must wait for it.
        press = asyncio.create_task(checkins.record_button(CHAT, job.delivery_id, Answer.DONE))
        await asyncio.sleep(0.2)
        assert not press.done()
    await press
    assert len(jobs) == 1
    assert await status(sessions) == "claimed"
    assert await reminder_rows(sessions) == 1


async def test_a_reminder_missed_past_the_catch_up_window_expires_quietly(
    checkins: CheckinService,
    snoozes: SnoozeService,
    source: ReminderSource,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.ONE_HOUR)
    clock.advance(timedelta(hours=4, minutes=1))
    jobs, counts = await claim(sessions, source, clock)
    assert jobs == []
    assert counts.expired == 1
    assert await status(sessions) == "expired"


async def test_a_reminder_missed_until_the_next_day_expires(
    checkins: CheckinService,
    snoozes: SnoozeService,
    source: ReminderSource,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await snoozes.snooze(CHAT, job.delivery_id, SnoozeChoice.EVENING)  # 19:00 UTC
    clock.advance(timedelta(hours=15, minutes=30))  # 00:30 the next day, within 3 h
    assert (await claim(sessions, source, clock))[0] == []
    assert await status(sessions) == "expired"


async def test_yesterdays_tip_cannot_be_snoozed(
    checkins: CheckinService,
    snoozes: SnoozeService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    clock.advance(timedelta(days=1))
    offer = await snoozes.offer(CHAT, job.delivery_id)
    assert offer.refusal == SnoozeRefusal.NOT_TODAY
