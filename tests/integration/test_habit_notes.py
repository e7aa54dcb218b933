"""Multi-habit notes, Undo, focus habits, /log yesterday and rest-day pauses in the database."""

from __future__ import annotations

import threading
from datetime import date, time, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db import queries
from nudgebot.db.models import CheckIn, Pause
from nudgebot.delivery.sources.tips import attach_focus
from nudgebot.domain.deliveries import Claim
from nudgebot.domain.habit_match import HabitMatcher, HabitMention
from nudgebot.domain.replies import Outcome as Answer
from nudgebot.services.checkin_results import ButtonResult, TextResult
from nudgebot.services.checkins import LONG_NOTE, CheckinService
from nudgebot.services.focus import FocusService
from nudgebot.services.subscriptions import SubscriptionService
from tests.integration.test_checkins import CHAT, NINE, deliver_today


@pytest.fixture
async def subscriptions(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> SubscriptionService:
    service = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    await service.start(CHAT, user_id=CHAT, language_code="en")
    clock.set(NINE)
    return service


@pytest.fixture
def checkins(
    subscriptions: SubscriptionService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> CheckinService:
    matcher = HabitMatcher({tip.id: tip.keywords for tip in content.tips})
    return CheckinService(sessions, clock, matcher)


async def checkin_tips(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with sessions() as session:
        return dict((await session.execute(select(CheckIn.tip_id, CheckIn.outcome))).all())


async def test_a_note_logs_each_habit_it_names_once(
    checkins: CheckinService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    logged = await checkins.record_text(
        CHAT, 5, "had kimchi and didn't walk", reply_to_message_id=None
    )
    again = await checkins.record_text(
        CHAT, 5, "had kimchi and didn't walk", reply_to_message_id=None
    )
    assert logged.result == TextResult.HABITS
    assert again.result == TextResult.DUPLICATE
    assert await checkin_tips(sessions) == {"fermented": "done", "movement": "skipped"}


async def test_a_long_note_logs_the_same_habits_as_a_short_one(
    checkins: CheckinService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    long_note = "had kimchi and didn't walk. " + "the weather was grey and the bus was late. " * 30
    assert len(long_note) > LONG_NOTE
    logged = await checkins.record_text(CHAT, 5, long_note, reply_to_message_id=None)
    assert logged.result == TextResult.HABITS
    assert await checkin_tips(sessions) == {"fermented": "done", "movement": "skipped"}


class ThreadRecordingMatcher(HabitMatcher):
    """Remembers which thread each match ran on."""

    threads: list[int]

    def match(self, text: str, *, prefer: str | None = None) -> list[HabitMention]:
        self.threads.append(threading.get_ident())
        return super().match(text, prefer=prefer)


async def test_only_a_long_note_is_matched_off_the_event_loop(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
    subscriptions: SubscriptionService,
) -> None:
    matcher = ThreadRecordingMatcher({tip.id: tip.keywords for tip in content.tips})
    matcher.threads = []
    checkins = CheckinService(sessions, clock, matcher)
    await checkins.record_text(CHAT, 5, "had kimchi", reply_to_message_id=None)
    await checkins.record_text(CHAT, 6, "walked. " * (LONG_NOTE // 8 + 1), reply_to_message_id=None)
    loop_thread = threading.get_ident()
    assert [thread == loop_thread for thread in matcher.threads] == [True, False]


async def test_undo_removes_exactly_the_notes_check_ins(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    await checkins.record_button(CHAT, job.delivery_id, Answer.DONE)
    logged = await checkins.record_text(CHAT, 11, "drank water, walked", reply_to_message_id=None)
    assert logged.note_id is not None
    removed = await checkins.undo_note(CHAT, logged.note_id)
    assert sorted(removed) == ["hydration", "movement"]
    assert await checkin_tips(sessions) == {job.tip_id: "done"}
    assert await checkins.undo_note(CHAT, logged.note_id) == []


async def test_undo_of_someone_elses_note_removes_nothing(
    checkins: CheckinService,
    subscriptions: SubscriptionService,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    logged = await checkins.record_text(CHAT, 11, "drank water", reply_to_message_id=None)
    await subscriptions.start(7, user_id=7, language_code="en")
    assert logged.note_id is not None
    assert await checkins.undo_note(7, logged.note_id) == []
    assert await checkin_tips(sessions) == {"hydration": "done"}


async def test_log_yesterday_logs_yesterdays_tip_and_nothing_older(
    checkins: CheckinService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    job = await deliver_today(sessions, clock, content, message_id=10)
    clock.advance(timedelta(days=1, hours=14, minutes=59))  # 23:59 the next day
    logged = await checkins.log_yesterday(CHAT)
    assert logged.result == ButtonResult.RECORDED
    assert await checkin_tips(sessions) == {job.tip_id: "done"}
    clock.advance(timedelta(minutes=1))  # the day after: that tip is two days old now
    assert (await checkins.log_yesterday(CHAT)).result == ButtonResult.NO_TIP


async def test_pause_records_rest_days_and_resume_ends_them(
    subscriptions: SubscriptionService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    await subscriptions.pause(CHAT, None)  # 09:00: today's tip is not out yet
    clock.advance(timedelta(days=2))
    await subscriptions.resume(CHAT)  # 09:00 on the 4th: today's tip still goes out
    async with sessions() as session:
        periods = await queries.pause_periods(session, 1)
    assert periods == [(date(2026, 3, 2), date(2026, 3, 3))]


async def test_resuming_before_a_pause_began_leaves_no_rest_days(
    subscriptions: SubscriptionService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    clock.set(NINE - timedelta(hours=1))
    await subscriptions.pause(CHAT, 3)
    await subscriptions.resume(CHAT)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Pause)) == 0


async def test_focus_of_a_whole_batch_is_one_query(
    subscriptions: SubscriptionService,
    sessions: async_sessionmaker[AsyncSession],
    database: AsyncEngine,
    clock: ManualClock,
) -> None:
    focus = FocusService(sessions, clock)
    for chat in (CHAT, 43, 44):
        await subscriptions.start(chat, user_id=chat, language_code="en")
        await focus.set(chat, ["hydration", "sleep"])
    jobs = [Claim(0, n, 0, "fiber", date(2026, 3, 2), 1) for n in (1, 2, 3)]
    statements: list[str] = []

    def record(conn: Connection, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(database.sync_engine, "before_cursor_execute", record)
    try:
        async with sessions() as session:
            attached = await attach_focus(session, jobs)
    finally:
        event.remove(database.sync_engine, "before_cursor_execute", record)
    assert [job.focus for job in attached] == [("hydration", "sleep")] * 3
    assert len([s for s in statements if "focus_habits" in s]) == 1
