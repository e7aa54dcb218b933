"""Private chats only: a group, supergroup or channel gets a note and a button, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from nudgebot.handlers.private import START_PARAMETER
from tests.handlers.conftest import HandlerBot, texts
from tests.handlers.offline import BOT_USER, Call
from tests.handlers.updates import button

ADA, BEN = 1, 2
GROUP, SUPERGROUP, CHANNEL = -100, -1001234567890, -1009876543210
ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot: every anonymous admin's user id
LINK = f"https://t.me/{BOT_USER['username']}?start={START_PARAMETER}"


def url_buttons(call: Call) -> list[tuple[str, str]]:
    markup: dict[str, Any] = call.params.get("reply_markup") or {}
    return [(b["text"], b.get("url", "")) for row in markup.get("inline_keyboard", []) for b in row]


async def in_group(bot: HandlerBot, text: str, **kwargs: Any) -> list[Call]:
    kwargs.setdefault("chat_kind", "group")
    kwargs.setdefault("from_id", ADA)
    return await bot.say(kwargs.pop("chat", GROUP), text, **kwargs)


async def is_subscribed(bot: HandlerBot, chat_id: int) -> bool:
    return await bot.app.bot_data.services.subscriptions.get(chat_id) is not None


async def test_start_in_a_group_gets_a_note_with_a_button_to_a_private_chat(
    bot: HandlerBot,
) -> None:
    [call] = await in_group(bot, "/start")
    assert (call.method, call.params["chat_id"]) == ("sendMessage", GROUP)
    assert call.text == bot.content.text("group_note")
    assert url_buttons(call) == [(bot.content.text("group_button"), LINK)]
    assert not await is_subscribed(bot, GROUP)


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_start_addressed_to_the_bot_gets_the_note(bot: HandlerBot, kind: str) -> None:
    calls = await in_group(bot, "/start@NudgeBot", chat_kind=kind)
    assert texts(calls) == [bot.content.text("group_note")]


async def test_a_group_gets_the_note_once_however_often_it_asks(bot: HandlerBot) -> None:
    await in_group(bot, "/start")
    assert await in_group(bot, "/start", from_id=BEN) == []
    assert await in_group(bot, "@nudgebot hello?") == []


async def test_each_group_gets_its_own_note(bot: HandlerBot) -> None:
    await in_group(bot, "/start")
    calls = await in_group(bot, "/start", chat=SUPERGROUP, chat_kind="supergroup")
    assert texts(calls) == [bot.content.text("group_note")]


async def test_a_note_telegram_refused_is_tried_again_on_the_next_start(bot: HandlerBot) -> None:
    bot.request.fail_next("sendMessage", 403, "Forbidden: bot is not a member of the group chat")
    await in_group(bot, "/start")
    assert texts(await in_group(bot, "/start")) == [bot.content.text("group_note")]


async def test_a_mention_of_the_bot_gets_the_note(bot: HandlerBot) -> None:
    assert texts(await in_group(bot, "@nudgebot what do you do?")) == [
        bot.content.text("group_note")
    ]


async def test_the_note_is_in_the_language_telegram_reports(bot: HandlerBot) -> None:
    german = bot.content.for_language("de")
    assert texts(await in_group(bot, "/start", language="de")) == [german.text("group_note")]


async def test_start_in_a_channel_gets_the_note_in_the_channel(bot: HandlerBot) -> None:
    post = {
        "message_id": 5,
        "date": 1_772_431_200,
        "chat": {"id": CHANNEL, "type": "channel", "title": "News"},
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    calls = await bot.send(Update.de_json({"update_id": 777, "channel_post": post}, bot.app.bot))
    assert [(c.params["chat_id"], c.text) for c in calls] == [
        (CHANNEL, bot.content.text("group_note"))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "/start@someotherbot",
        "/forget",
        "/export",
        "/tip 2",
        "/sos",
        "/timezone Europe/Berlin",
        "had kimchi and walked 20 min",
        "I want to die",
        "hello @someoneelse",
    ],
)
async def test_anything_else_in_a_group_gets_no_answer_and_stores_nothing(
    bot: HandlerBot, text: str
) -> None:
    assert await in_group(bot, text) == []
    assert not await is_subscribed(bot, GROUP)


async def test_a_button_pressed_in_a_group_is_only_answered(bot: HandlerBot) -> None:
    calls = await bot.send(button(bot.app.bot, GROUP, "fg:yes", chat_kind="group", from_id=ADA))
    assert [call.method for call in calls] == ["answerCallbackQuery"]


async def test_forget_confirmed_in_a_group_erases_no_members_private_data(
    bot: HandlerBot,
) -> None:
    await bot.subscribe(ADA)
    await in_group(bot, "/start")  # Ada was the last to send /start in the group
    await in_group(bot, "/forget", from_id=BEN)
    await bot.send(button(bot.app.bot, GROUP, "fg:yes", chat_kind="group", from_id=BEN))
    assert await is_subscribed(bot, ADA)


async def test_an_anonymous_admins_forget_erases_nothing_anywhere(bot: HandlerBot) -> None:
    # A group subscription from before private chats only, started by an anonymous admin.
    await bot.app.bot_data.services.subscriptions.start(
        SUPERGROUP, user_id=ANONYMOUS_ADMIN, language_code="en"
    )
    anonymous = {"sender_chat": {"id": GROUP, "type": "group", "title": "Habit friends"}}
    assert await in_group(bot, "/forget", from_id=ANONYMOUS_ADMIN, extra=anonymous) == []
    press = button(bot.app.bot, GROUP, "fg:yes", chat_kind="group", from_id=ANONYMOUS_ADMIN)
    assert [call.method for call in await bot.send(press)] == ["answerCallbackQuery"]
    assert await is_subscribed(bot, SUPERGROUP)


async def test_a_private_start_from_the_groups_link_subscribes_as_usual(bot: HandlerBot) -> None:
    await bot.say(ADA, f"/start {START_PARAMETER}")
    assert await is_subscribed(bot, ADA)
