"""Safety over real HTTP: the crisis reply retried through Telegram's failures, /sos, groups."""

from __future__ import annotations

import pytest

from nudgebot.db.models import CheckIn, GroupNote, Note, Subscriber
from nudgebot.handlers import safety
from nudgebot.handlers.private import START_PARAMETER
from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import count, receive_tip, subscribe

CARING_OPENING = "glad you told me"
GROUP = -100


@pytest.fixture(autouse=True)
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry schedule kept, its waits shortened: a test need not sit through 20 s."""
    monkeypatch.setattr(safety, "RETRY_WAITS", (0.05, 0.1, 0.2))


def crisis_sends(bot: Bot, chat_id: int) -> list[int]:
    """The HTTP status of each sendMessage of the crisis reply into chat_id."""
    return [
        call.status
        for call in bot.fake.calls_to("sendMessage")
        if call.params.get("chat_id") == chat_id and CARING_OPENING in str(call.params["text"])
    ]


async def test_a_crisis_reply_answered_with_500_is_sent_again_and_never_logged(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    bot.fake.fail_next(
        "sendMessage", status=500, description="Internal Server Error", chat_id=ada.chat_id
    )
    ada.send_text("i want to end my life", reply_to=tip.message_id)
    answer = await bot.fake.wait_for_message(ada.chat_id, CARING_OPENING, after=before)
    assert "/sos" in answer.text
    assert crisis_sends(bot, ada.chat_id) == [500, 200]
    assert await count(bot, CheckIn) == 0
    assert await count(bot, Note) == 0


async def test_a_crisis_reply_that_timed_out_is_sent_again_and_never_logged(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    # Done, but answered only after the bot's 1 s timeout: the bot cannot know it arrived.
    bot.fake.delay_response_next("sendMessage", 2.0, chat_id=ada.chat_id)
    ada.send_text("/log I want to die", reply_to=tip.message_id)
    await bot.fake.wait_for(lambda: len(crisis_sends(bot, ada.chat_id)) >= 2 or None)
    assert crisis_sends(bot, ada.chat_id)[-1] == 200
    assert await count(bot, CheckIn) == 0
    assert await count(bot, Note) == 0


async def test_sos_gives_anyone_the_lines_at_once(bot: Bot) -> None:
    stranger = bot.fake.user(2)
    answer = await bot.say(stranger, "/sos", expect="people you can talk to")
    assert "findahelpline.com" in answer
    assert await count(bot, Subscriber) == 0


async def test_sos_is_in_the_command_menu(bot: Bot) -> None:
    await bot.fake.wait_for(lambda: bot.fake.calls_to("setMyCommands") or None)
    for call in bot.fake.calls_to("setMyCommands"):
        assert "sos" in [command["command"] for command in call.params["commands"]]


async def test_start_in_a_group_gets_a_note_with_a_link_to_a_private_chat(bot: Bot) -> None:
    member = bot.fake.group_member(1, GROUP)
    member.send_command("/start")
    note = await bot.fake.wait_for_message(GROUP, "one to one")
    assert note.reply_markup is not None
    [[link]] = note.reply_markup["inline_keyboard"]
    assert link["url"] == f"https://t.me/{bot.app.bot.username}?start={START_PARAMETER}"
    assert await count(bot, Subscriber) == 0


async def test_a_group_gets_no_tips_and_no_check_ins(bot: Bot) -> None:
    member = bot.fake.group_member(1, GROUP)
    member.send_command("/start")
    await bot.fake.wait_for_message(GROUP, "one to one")
    member.send_command("/timezone Europe/Berlin")
    member.send_text("had kimchi and walked 20 min")
    member.send_command("/start")
    # Updates are handled one at a time, in order: once this answer is back, so are the above.
    await bot.say(bot.fake.user(2), "/sos", expect="people you can talk to")
    await bot.deliver_now()
    assert len(member.inbox()) == 1  # the note, once
    assert await count(bot, GroupNote) == 1
    assert await count(bot, Subscriber) == 0
    assert await count(bot, CheckIn) == 0
