"""Data rights are keyed by the private chat alone: never by a Telegram user id, never a group."""

from __future__ import annotations

import json
from datetime import time

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db.models import Note, Subscriber
from nudgebot.services.checkins import CheckinService
from nudgebot.services.data_rights import DataRightsService
from nudgebot.services.subscriptions import SubscriptionService

ADA = 101  # her private chat: chat id == her user id
ADAS_GROUP = -500  # a group subscription from before private-chats-only, started by Ada
ANONYMOUS_ADMIN = 1087968824  # the one user id every anonymous group admin shares
ANON_GROUP, OTHER_ANON_GROUP = -600, -700


@pytest.fixture
async def rights(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> DataRightsService:
    """Ada, her legacy group, and two legacy groups started by anonymous admins; a note each."""
    subscriptions = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    checkins = CheckinService(sessions, clock)
    owners = {ADA: ADA, ADAS_GROUP: ADA, ANON_GROUP: ANONYMOUS_ADMIN}
    owners[OTHER_ANON_GROUP] = ANONYMOUS_ADMIN
    for chat, user in owners.items():
        await subscriptions.start(chat, user_id=user, language_code="en")
        await checkins.record_text(chat, 7, f"note of chat {chat}", reply_to_message_id=None)
    return DataRightsService(sessions, clock, content)


async def chats_with_data(sessions: async_sessionmaker[AsyncSession]) -> dict[int, int]:
    """Each stored chat with how many notes it still has."""
    async with sessions() as session:
        chats = (await session.scalars(select(Subscriber.chat_id))).all()
        notes = (await session.scalars(select(Note.chat_id))).all()
    return {chat: notes.count(chat) for chat in sorted(chats)}


async def test_a_private_forget_leaves_a_group_started_by_the_same_person_alone(
    rights: DataRightsService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert await rights.forget(ADA) is True
    assert await chats_with_data(sessions) == {
        OTHER_ANON_GROUP: 1,
        ANON_GROUP: 1,
        ADAS_GROUP: 1,
    }


async def test_forgetting_one_anonymous_admins_chat_leaves_the_other_alone(
    rights: DataRightsService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert await rights.forget(ANON_GROUP) is True
    assert await chats_with_data(sessions) == {OTHER_ANON_GROUP: 1, ADAS_GROUP: 1, ADA: 1}


async def test_the_export_holds_only_the_private_chats_own_rows(rights: DataRightsService) -> None:
    document = json.loads((await rights.export(ADA)).json_document)
    assert document["subscriber"]["chat_id"] == ADA
    assert [note["text"] for note in document["tables"]["notes"]] == [f"note of chat {ADA}"]
    for rows in document["tables"].values():
        assert all(row.get("chat_id", ADA) == ADA for row in rows)


async def test_the_export_of_a_legacy_group_never_holds_its_starters_private_row(
    rights: DataRightsService,
) -> None:
    document = json.loads((await rights.export(ADAS_GROUP)).json_document)
    assert document["subscriber"]["chat_id"] == ADAS_GROUP
    assert [note["text"] for note in document["tables"]["notes"]] == [f"note of chat {ADAS_GROUP}"]
