"""Check-ins: each button press and reply logged once, linked to its tip, turned into streaks."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db import ledger, tips
from nudgebot.db.models import CheckIn, Note
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest, SendResult
from nudgebot.domain.replies import Outcome as Answer
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.services.checkin_results import ButtonResult, TextResult
from nudgebot.services.checkins import CheckinService
from nudgebot.services.progress import ProgressService
from nudgebot.services.subscriptions import SubscriptionService

CHAT = 42
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def deliver_today(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
    message_id: int,
) -> Claim:
    """Claim and mark sent the subscriber's tip for the clock's day."""
    async with sessions.begin() as session:
        [job] = await tips.claim_due(
            session,
            ClaimRequest(clock.now(), 10, "t", ClaimCounts()),
            tip_order=content.tip_ids,
            catch_up=timedelta(hours=3),
        )
        await ledger.record_results(
            session, [SendResult(job, DeliveryStatus.SENT, message_id=message_id)], clock.now()
        )
    return job


@pytest.fixture
async def checkins(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> CheckinService:
    service = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    await service.start(CHAT, user_id=CHAT, language_code="en")
    clock.set(NINE)
    return CheckinService(sessions, clock)


async def count(sessions: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_pressing_done_logs_a_check_in_with_a_one_day_streak(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    logged = await checkins.record_button(CHAT, job.delivery_id, Answer.DONE)
    assert logged.result == ButtonResult.RECORDED
    assert logged.streaks.current == 1


async def test_a_second_press_the_same_day_updates_instead_of_adding(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await checkins.record_button(CHAT, job.delivery_id, Answer.DONE)
    changed = await checkins.record_button(CHAT, job.delivery_id, Answer.SKIPPED)
    same = await checkins.record_button(CHAT, job.delivery_id, Answer.SKIPPED)
    assert changed.result == ButtonResult.CHANGED
    assert same.result == ButtonResult.UNCHANGED
    assert await count(sessions, CheckIn) == 1


async def test_a_button_from_another_chat_is_not_logged(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    ).start(7, user_id=7, language_code="en")
    logged = await checkins.record_button(7, job.delivery_id, Answer.DONE)
    assert logged.result == ButtonResult.NOT_YOURS
    assert await count(sessions, CheckIn) == 0


async def test_a_button_on_a_tip_older_than_yesterday_is_stale(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    clock.advance(timedelta(days=2))
    logged = await checkins.record_button(CHAT, job.delivery_id, Answer.DONE)
    assert logged.result == ButtonResult.STALE


async def test_a_reply_to_the_tip_is_a_note_and_a_check_in(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    await deliver_today(sessions, clock, content, message_id=10)
    logged = await checkins.record_text(CHAT, 11, "had kimchi with lunch", reply_to_message_id=10)
    assert logged.result == TextResult.DONE
    assert await count(sessions, Note) == 1
    assert await count(sessions, CheckIn) == 1


async def test_the_same_message_delivered_twice_is_logged_once(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    await deliver_today(sessions, clock, content, message_id=10)
    await checkins.record_text(CHAT, 11, "done!", reply_to_message_id=10)
    again = await checkins.record_text(CHAT, 11, "done!", reply_to_message_id=10)
    assert again.result == TextResult.DUPLICATE
    assert await count(sessions, Note) == 1


async def test_a_negative_reply_logs_not_today(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    await deliver_today(sessions, clock, content, message_id=10)
    logged = await checkins.record_text(CHAT, 11, "not today, too tired", reply_to_message_id=None)
    assert logged.result == TextResult.SKIPPED


async def test_text_before_any_tip_is_kept_as_a_journal_note(
    checkins: CheckinService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    logged = await checkins.record_text(CHAT, 5, "excited to start", reply_to_message_id=None)
    assert logged.result == TextResult.JOURNAL
    assert await count(sessions, Note) == 1
    assert await count(sessions, CheckIn) == 0


async def test_editing_a_reply_updates_its_note(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    await deliver_today(sessions, clock, content, message_id=10)
    await checkins.record_text(CHAT, 11, "walked 10 min", reply_to_message_id=10)
    assert await checkins.edit_text(CHAT, 11, "walked 20 min")
    async with sessions() as session:
        assert (await session.execute(select(Note.text))).scalar_one() == "walked 20 min"


async def test_streaks_and_progress_count_consecutive_days(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    for day in range(3):
        clock.set(NINE + timedelta(days=day))
        job = await deliver_today(sessions, clock, content, message_id=100 + day)
        await checkins.record_button(CHAT, job.delivery_id, Answer.DONE)
    progress = await ProgressService(sessions, clock, content).progress(CHAT)
    assert (
        progress.current_streak,
        progress.best_streak,
        progress.last_7_days,
        progress.total,
    ) == (3, 3, 3, 3)
    assert progress.days_since_joining == 2
