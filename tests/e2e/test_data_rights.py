"""/export and /forget through the real Application: complete, only theirs, and truly gone."""

from __future__ import annotations

import asyncio
import csv
import io
import json

from fakebotapi import FakeUser
from fakebotapi.records import UploadedFile
from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import BERLIN_0730, subscribe
from tests.integration.test_data_rights import rows_naming


async def two_with_notes(bot: Bot) -> tuple[FakeUser, FakeUser]:
    ada, bob = bot.fake.user(1, "Ada"), bot.fake.user(2, "Bob")
    for user in (ada, bob):
        await subscribe(bot, user)
    bot.clock.set(BERLIN_0730)
    await bot.deliver_now()
    for user, note in ((ada, "ada ate sauerkraut"), (bob, "bob walked to work")):
        tip = await bot.fake.wait_for(
            lambda user=user: next((m for m in user.inbox() if m.buttons), None)  # type: ignore[misc]
        )
        before = len(user.inbox())
        user.send_text(note, reply_to=tip.message_id)
        await bot.fake.wait_for_message(user.chat_id, "Streak", after=before)
    return ada, bob


def documents_to(bot: Bot, chat_id: int) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for call in bot.fake.calls_to("sendDocument"):
        document = call.params["document"]
        if call.params["chat_id"] == chat_id and isinstance(document, UploadedFile):
            found[document.filename] = document.data
    return found


async def ids(bot: Bot, user: FakeUser) -> tuple[int, int, int]:
    row = await bot.subscriber(user.chat_id)
    assert row is not None
    assert row.user_id is not None
    return row.id, row.chat_id, row.user_id


async def test_export_sends_their_data_as_json_and_csv_and_nobody_elses(bot: Bot) -> None:
    ada, _ = await two_with_notes(bot)
    ada.send_command("/export")
    files = await bot.fake.wait_for(lambda: len(documents_to(bot, ada.chat_id)) == 2 or None)
    files = documents_to(bot, ada.chat_id)
    document = json.loads(files["nudgebot-export.json"])
    assert document["subscriber"]["chat_id"] == ada.chat_id
    assert document["subscriber"]["timezone"] == "Europe/Berlin"
    assert [n["text"] for n in document["tables"]["notes"]] == ["ada ate sauerkraut"]
    assert len(document["tables"]["deliveries"]) == 1
    assert len(document["tables"]["checkins"]) == 1
    [row] = csv.DictReader(io.StringIO(files["nudgebot-checkins.csv"].decode("utf-8-sig")))
    assert (row["notes"], row["outcome"]) == ("ada ate sauerkraut", "done")
    for data in files.values():
        assert b"bob" not in data
        assert bot.fake.token.encode() not in data


async def test_export_before_subscribing_says_how_to_start(bot: Bot) -> None:
    stranger = bot.fake.user(3)
    answer = await bot.say(stranger, "/export")
    assert "/start" in answer
    assert documents_to(bot, stranger.chat_id) == {}


async def test_forget_asks_first_and_keep_changes_nothing(bot: Bot) -> None:
    ada, _ = await two_with_notes(bot)
    before = await rows_naming(bot.sessions, *await ids(bot, ada))
    before_question = len(ada.inbox())
    ada.send_command("/forget")
    question = await bot.fake.wait_for_message(ada.chat_id, "erase", after=before_question)
    assert {label for label, _ in question.buttons} == {"Yes, erase everything", "Keep my data"}
    after = len(ada.inbox())
    ada.press(question.message_id, "fg:no")
    answer = await bot.fake.wait_for_message(ada.chat_id, "kept", after=after)
    assert answer.text
    assert await rows_naming(bot.sessions, *await ids(bot, ada)) == before


async def test_forget_erases_every_row_of_theirs_and_start_begins_fresh(bot: Bot) -> None:
    ada, bob = await two_with_notes(bot)
    ada_ids, bob_ids = await ids(bot, ada), await ids(bot, bob)
    bob_before = await rows_naming(bot.sessions, *bob_ids)
    ada.send_command("/forget")
    question = await bot.fake.wait_for_message(ada.chat_id, "erase", after=len(ada.inbox()) - 1)
    after = len(ada.inbox())
    ada.press(question.message_id, "fg:yes")
    goodbye = await bot.fake.wait_for_message(ada.chat_id, "/start", after=after)
    assert "erased" in goodbye.text
    assert sum((await rows_naming(bot.sessions, *ada_ids)).values()) == 0
    assert await rows_naming(bot.sessions, *bob_ids) == bob_before
    assert bot.fake.messages(ada.chat_id)[after - 1].buttons == []  # the question lost its buttons
    welcome = await bot.say(ada, "/start", expect="Hi Ada")
    assert "Welcome back" not in welcome


async def test_forget_while_their_tip_is_in_flight_leaves_nothing_behind(bot: Bot) -> None:
    ada, bob = bot.fake.user(1, "Ada"), bot.fake.user(2, "Bob")
    for user in (ada, bob):
        await subscribe(bot, user)
    ada.send_command("/forget")
    question = await bot.fake.wait_for_message(ada.chat_id, "erase", after=len(ada.inbox()) - 1)
    # Ada's tip goes out but its answer comes back late: she erases her data meanwhile.
    bot.fake.delay_response_next("sendMessage", 0.8, chat_id=ada.chat_id)
    bot.clock.set(BERLIN_0730)
    delivering = asyncio.create_task(bot.deliver_now())
    await bot.fake.wait_for(
        lambda: any(m.buttons and m.buttons[0][1].startswith("ci:") for m in ada.inbox())
    )
    after = len(ada.inbox())
    ada.press(question.message_id, "fg:yes")
    await bot.fake.wait_for_message(ada.chat_id, "erased", after=after)
    await delivering
    await bot.engine.wait_idle()  # the late answer has been recorded (or dropped) by now
    assert sum((await rows_naming(bot.sessions, 1, ada.chat_id, ada.id)).values()) == 0
    # The bot goes on working for everyone else.
    assert await bot.fake.wait_for(
        lambda: any(m.buttons and m.buttons[0][1].startswith("ci:") for m in bob.inbox())
    )
    assert "Hi Ada" in await bot.say(ada, "/start", expect="Hi Ada")
