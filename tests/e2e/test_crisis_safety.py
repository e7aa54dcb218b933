"""Crisis safety end to end: a message that signals self-harm gets care and resources, at once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from nudgebot.db.models import CheckIn, Note
from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import count, receive_tip, subscribe

CARING_OPENING = "glad you told me"


async def test_a_crisis_reply_to_a_tip_gets_local_resources_and_no_check_in(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada, zone="Europe/Berlin")
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    with caplog.at_level(logging.INFO):
        ada.send_text("honestly I want to kill myself", reply_to=tip.message_id)
        answer = await bot.fake.wait_for_message(ada.chat_id, after=before)
        await bot.fake.wait_for(lambda: "crisis reply sent" in caplog.text)
    assert CARING_OPENING in answer.text
    assert "0800 111 0 111" in answer.text  # TelefonSeelsorge, chosen by the Berlin zone
    assert "streak" not in answer.text.lower()
    assert await count(bot, CheckIn) == 0
    assert await count(bot, Note) == 0
    assert "kill myself" not in caplog.text


async def test_free_text_on_a_tip_day_is_answered_with_care_not_logged(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada, zone="America/New_York", time="7:30")
    await receive_tip(bot, ada, at=datetime(2026, 3, 2, 12, 30, tzinfo=UTC))  # 07:30 there
    answer = await bot.say(ada, "i cant go on like this", expect=CARING_OPENING)
    assert "988" in answer
    assert await count(bot, Note) == 0
    assert await count(bot, CheckIn) == 0


async def test_someone_who_never_subscribed_gets_the_default_resources(bot: Bot) -> None:
    stranger = bot.fake.user(2)
    answer = await bot.say(stranger, "kms", expect=CARING_OPENING)
    assert "findahelpline.com" in answer
    assert "emergency" in answer.lower()


async def test_a_question_being_asked_does_not_swallow_a_crisis_message(bot: Bot) -> None:
    ada = bot.fake.user(1)
    ada.send_command("/start")
    await bot.fake.wait_for(lambda: len(ada.inbox()) >= 2)  # the zone question is waiting
    answer = await bot.say(ada, "I don't want to be here anymore", expect=CARING_OPENING)
    assert "findahelpline.com" in answer  # still on the default zone, UTC: no country
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert (row.timezone, row.awaiting) == ("UTC", "timezone")


async def test_an_edit_that_turns_into_a_crisis_message_gets_the_reply(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada, zone="Europe/London")
    tip = await receive_tip(bot, ada, at=datetime(2026, 3, 2, 7, 30, tzinfo=UTC))
    logged = len(ada.inbox())
    message_id = ada.send_text("walked a bit", reply_to=tip.message_id)
    await bot.fake.wait_for_message(ada.chat_id, after=logged)  # the check-in is acknowledged
    before = len(ada.inbox())
    ada.edit_text(message_id, "actually i wanna die")
    answer = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert "Samaritans" in answer.text
    assert "116 123" in answer.text


async def test_a_harmless_look_alike_is_logged_as_a_check_in(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    ada.send_text("this lentil recipe is killing me, so good", reply_to=tip.message_id)
    answer = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert CARING_OPENING not in answer.text
    assert "Streak" in answer.text
    assert await count(bot, CheckIn) == 1


async def test_a_photo_caption_that_signals_a_crisis_gets_the_reply(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    before = len(ada.inbox())
    ada.send_photo(caption="no reason to live")
    answer = await bot.fake.wait_for_message(ada.chat_id, after=before)
    assert CARING_OPENING in answer.text


async def test_a_german_subscriber_gets_the_crisis_reply_in_german_with_local_lines(
    bot: Bot,
) -> None:
    anna = bot.fake.user(1, first_name="Anna", language_code="de")
    await subscribe(bot, anna, zone="Europe/Berlin")
    answer = await bot.say(anna, "Ich will nicht mehr leben", expect="Danke, dass du mir")
    assert "TelefonSeelsorge" in answer
    assert "0800 111 0 111" in answer
    assert "Notruf" in answer
    assert await count(bot, Note) == 0
    assert await count(bot, CheckIn) == 0
