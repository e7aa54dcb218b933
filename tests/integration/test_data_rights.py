"""/export holds all of a subscriber's rows and only theirs; /forget leaves none, in any table."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db import ledger, tips
from nudgebot.db.models import Base, Delivery, Subscriber
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest, SendResult
from nudgebot.domain.statuses import DeliveryStatus, SubscriberStatus
from nudgebot.services.checkins import CheckinService
from nudgebot.services.data_rights import CSV_COLUMNS, DataRightsService
from nudgebot.services.subscriptions import SubscriptionService

ADA, BOB = 101, 202
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def claim_all(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> list[Claim]:
    async with sessions.begin() as session:
        return await tips.claim_due(
            session,
            ClaimRequest(clock.now(), 10, "t", ClaimCounts()),
            tip_order=content.tip_ids,
            catch_up=timedelta(hours=3),
        )


async def record(sessions: async_sessionmaker[AsyncSession], outcomes: list[SendResult]) -> None:
    async with sessions.begin() as session:
        await ledger.record_results(session, outcomes, NINE)


@pytest.fixture
async def two_subscribers(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> DataRightsService:
    """Ada and Bob, each with two days of tips, a reply with a note and a journal note."""
    subscriptions = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    checkins = CheckinService(sessions, clock)
    for chat in (ADA, BOB):
        await subscriptions.start(chat, user_id=chat + 1, language_code="en")
    for day in range(2):
        clock.set(NINE + timedelta(days=day))
        jobs = await claim_all(sessions, clock, content)
        await record(
            sessions,
            [
                SendResult(job, DeliveryStatus.SENT, message_id=1000 + 10 * day + job.chat_id % 7)
                for job in jobs
            ],
        )
        for job in jobs:
            name = "ada" if job.chat_id == ADA else "bob"
            await checkins.record_text(
                job.chat_id,
                500 + day,
                f"{name} had kimchi, day {day}",
                reply_to_message_id=1000 + 10 * day + job.chat_id % 7,
            )
    return DataRightsService(sessions, clock, content)


async def rows_naming(
    sessions: async_sessionmaker[AsyncSession], subscriber_id: int, chat_id: int, user_id: int
) -> dict[str, int]:
    """For EVERY table in the metadata, how many rows carry one of these ids in an id column."""
    wanted = {"subscriber_id": subscriber_id, "chat_id": chat_id, "user_id": user_id}
    found: dict[str, int] = {}
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            conditions = [
                table.c[name] == value for name, value in wanted.items() if name in table.c
            ]
            conditions += [
                column == subscriber_id
                for column in table.columns
                if any(fk.column.table.name == "subscribers" for fk in column.foreign_keys)
            ]
            if table.name == "subscribers":
                conditions.append(table.c.id == subscriber_id)
            for condition in conditions:
                query = select(func.count()).select_from(table).where(condition)
                found[table.name] = found.get(table.name, 0) + int(await session.scalar(query) or 0)
    return found


async def ids_of(sessions: async_sessionmaker[AsyncSession], chat_id: int) -> tuple[int, int, int]:
    async with sessions() as session:
        row = (
            await session.execute(select(Subscriber).where(Subscriber.chat_id == chat_id))
        ).scalar_one()
        assert row.user_id is not None
        return row.id, row.chat_id, row.user_id


async def test_forget_leaves_no_row_with_their_id_in_any_table(
    two_subscribers: DataRightsService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada = await ids_of(sessions, ADA)
    bob = await ids_of(sessions, BOB)
    before = await rows_naming(sessions, *ada)
    assert {"subscribers", "deliveries", "checkins", "notes"} <= {t for t, n in before.items() if n}
    assert await two_subscribers.forget(ADA) is True
    assert sum((await rows_naming(sessions, *ada)).values()) == 0
    assert all(n > 0 for t, n in (await rows_naming(sessions, *bob)).items() if before.get(t))


async def test_forget_for_someone_unknown_reports_nothing_to_erase(
    two_subscribers: DataRightsService,
) -> None:
    assert await two_subscribers.forget(999) is False


async def test_after_forget_start_begins_fresh(
    two_subscribers: DataRightsService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    await two_subscribers.forget(ADA)
    result = await SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    ).start(ADA, user_id=ADA + 1, language_code="en")
    assert result.is_new


async def test_an_outcome_for_a_tip_in_flight_when_they_forgot_is_dropped(
    two_subscribers: DataRightsService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    clock.set(NINE + timedelta(days=2))
    jobs = await claim_all(sessions, clock, content)
    ada_job = next(job for job in jobs if job.chat_id == ADA)
    bob_job = next(job for job in jobs if job.chat_id == BOB)
    await two_subscribers.forget(ADA)  # while Ada's tip is being sent
    await record(
        sessions,
        [
            SendResult(ada_job, DeliveryStatus.SENT, message_id=77),
            SendResult(bob_job, DeliveryStatus.SENT, message_id=78),
        ],
    )
    await record(
        sessions,
        [
            SendResult(
                ada_job,
                DeliveryStatus.FAILED,
                subscriber_status=SubscriberStatus.BLOCKED,
                new_chat_id=555,
            )
        ],
    )
    assert sum((await rows_naming(sessions, *(ada_job.subscriber_id, ADA, ADA + 1))).values()) == 0
    async with sessions() as session:
        bob_delivery = await session.get(Delivery, bob_job.delivery_id)
    assert bob_delivery is not None
    assert (bob_delivery.status, bob_delivery.message_id) == ("sent", 78)


async def test_a_forgotten_subscriber_is_never_claimed_again(
    two_subscribers: DataRightsService,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
) -> None:
    clock.set(NINE + timedelta(days=2))
    jobs = await claim_all(sessions, clock, content)
    await record(
        sessions, [SendResult(job, DeliveryStatus.RETRY, retry_at=clock.now()) for job in jobs]
    )
    await two_subscribers.forget(ADA)
    clock.advance(timedelta(minutes=1))
    async with sessions.begin() as session:
        retried = await ledger.claim_retries(
            session, ClaimRequest(clock.now(), 10, "t", ClaimCounts()), catch_up=timedelta(hours=3)
        )
    assert [job.chat_id for job in retried] == [BOB]


async def test_the_export_holds_every_row_of_theirs_and_none_of_anyone_else(
    two_subscribers: DataRightsService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada_id, _, _ = await ids_of(sessions, ADA)
    export = await two_subscribers.export(ADA)
    document = json.loads(export.json_document)
    assert document["subscriber"]["chat_id"] == ADA
    tables = document["tables"]
    assert len(tables["deliveries"]) == 2
    assert len(tables["checkins"]) == 2
    assert sorted(note["text"] for note in tables["notes"]) == [
        "ada had kimchi, day 0",
        "ada had kimchi, day 1",
    ]
    for rows in tables.values():
        for row in rows:
            assert row.get("subscriber_id", ada_id) == ada_id
            assert row.get("chat_id", ADA) == ADA
    assert b"bob" not in export.json_document


async def test_the_csv_has_one_line_per_check_in_with_its_notes(
    two_subscribers: DataRightsService, content: Content
) -> None:
    export = await two_subscribers.export(ADA)
    rows = list(csv.DictReader(io.StringIO(export.checkins_csv.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row["date"] for row in rows] == ["2026-03-02", "2026-03-03"]
    assert [row["notes"] for row in rows] == ["ada had kimchi, day 0", "ada had kimchi, day 1"]
    assert rows[0]["tip"] == content.tips[0].title
    assert all(row["outcome"] == "done" for row in rows)
    assert b"bob" not in export.checkins_csv
