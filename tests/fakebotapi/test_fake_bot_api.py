"""The fake Bot API, driven by a real python-telegram-bot client over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from fakebotapi import FakeBotApi, FakeUser

ADA = 42


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url) as client:
        yield client


@pytest.fixture
def ada(fake: FakeBotApi) -> FakeUser:
    return fake.user(ADA)


async def raw_call(fake: FakeBotApi, method: str, **body: Any) -> tuple[int, dict[str, Any]]:
    """POST without PTB, to send what PTB itself would refuse to build."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}{fake.token}/{method}", **body) as response,
    ):
        return response.status, await response.json()


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


async def test_get_me_returns_the_bot_user(bot: Bot, fake: FakeBotApi) -> None:
    me = await bot.get_me()

    assert (me.id, me.is_bot, me.username) == (123456, True, "nudgebot_test_bot")


async def test_sent_message_is_recorded_as_the_user_sees_it(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    sent = await bot.send_message(ADA, "<b>Day 1</b> &amp; more", parse_mode="HTML")

    [message] = ada.inbox()
    assert (message.message_id, message.text, message.source_text) == (
        sent.message_id,
        "Day 1 & more",
        "<b>Day 1</b> &amp; more",
    )
    assert sent.from_user is not None
    assert sent.from_user.id == fake.bot_user["id"]


async def test_unknown_parameter_is_a_bad_request(bot: Bot, ada: FakeUser) -> None:
    with pytest.raises(BadRequest, match='nknown parameter "colour"'):
        await bot.send_message(ADA, "hi", api_kwargs={"colour": "red"})


async def test_missing_required_parameter_is_a_bad_request(fake: FakeBotApi, ada: FakeUser) -> None:
    status, body = await raw_call(fake, "sendMessage", data={"chat_id": str(ADA)})

    assert (status, body["description"]) == (400, 'Bad Request: parameter "text" is required')


async def test_value_of_the_wrong_type_is_a_bad_request(bot: Bot, ada: FakeUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)not a boolean"):
        await bot.send_message(ADA, "hi", api_kwargs={"disable_notification": "maybe"})


async def test_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")


async def test_wrong_token_is_refused(fake: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG-token", base_url=fake.base_url) as stranger:
            await stranger.get_me()
    assert fake.calls[-1].status == 401


async def test_sending_to_a_chat_nobody_opened_is_chat_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="hat not found"):
        await bot.send_message(777, "hi")


async def test_unbalanced_html_is_refused_and_not_delivered(bot: Bot, ada: FakeUser) -> None:
    with pytest.raises(BadRequest, match="an't parse entities"):
        await bot.send_message(ADA, "<b>streak: 3", parse_mode="HTML")
    assert ada.inbox() == []


async def test_text_over_4096_characters_is_too_long(bot: Bot, ada: FakeUser) -> None:
    with pytest.raises(BadRequest, match="essage is too long"):
        await bot.send_message(ADA, "x" * 4097)


async def test_text_of_4096_characters_after_parsing_is_accepted(bot: Bot, ada: FakeUser) -> None:
    await bot.send_message(ADA, "<i>" + "x" * 4096 + "</i>", parse_mode="HTML")

    assert len(ada.inbox()[0].text) == 4096


async def test_whitespace_only_text_is_empty(bot: Bot, ada: FakeUser) -> None:
    with pytest.raises(BadRequest, match="essage text is empty"):
        await bot.send_message(ADA, " \n ")


async def test_callback_data_over_64_bytes_is_refused(bot: Bot, ada: FakeUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(ADA, "tip", reply_markup=keyboard("d" * 65))


async def test_fail_next_429_surfaces_as_retry_after(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    fake.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 2", retry_after=2
    )

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ADA, "tip")
    assert raised.value.retry_after == dt.timedelta(seconds=2)
    assert ada.inbox() == []


async def test_fault_is_used_up_after_its_times(bot: Bot, fake: FakeBotApi, ada: FakeUser) -> None:
    fake.fail_next("sendMessage", status=500, description="Internal Server Error")

    with pytest.raises(NetworkError):
        await bot.send_message(ADA, "first")
    await bot.send_message(ADA, "second")

    assert [m.text for m in ada.inbox()] == ["second"]


async def test_fault_for_one_chat_spares_the_others(bot: Bot, fake: FakeBotApi) -> None:
    fake.user(1)
    fake.user(2)
    fake.fail_next("sendMessage", status=400, description="Bad Request: chat not found", chat_id=2)

    await bot.send_message(1, "hi")
    with pytest.raises(BadRequest, match="hat not found"):
        await bot.send_message(2, "hi")


async def test_fail_next_403_surfaces_as_forbidden(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")

    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(ADA, "tip")


async def test_blocked_user_gets_forbidden_until_they_write_again(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    fake.block(ADA)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ADA, "tip")

    ada.send_command("/start")
    await bot.send_message(ADA, "welcome back")

    assert [m.text for m in ada.inbox()] == ["welcome back"]


async def test_migrated_chat_surfaces_as_chat_migrated(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    fake.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234,
    )

    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(ADA, "tip")
    assert raised.value.new_chat_id == -1001234


async def test_late_response_times_out_although_the_message_was_sent(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    fake.delay_response_next("sendMessage", 5.0)

    with pytest.raises(TimedOut):
        await bot.send_message(ADA, "tip", read_timeout=0.2)
    assert [m.text for m in ada.inbox()] == ["tip"]


async def test_dropped_connection_is_a_network_error_and_nothing_is_sent(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    fake.drop_connection_next("sendMessage")

    with pytest.raises(NetworkError) as raised:
        await bot.send_message(ADA, "tip")
    assert not isinstance(raised.value, BadRequest | TimedOut)
    assert ada.inbox() == []
    assert fake.calls_to("sendMessage")[-1].status == 0


async def test_long_poll_returns_an_update_queued_while_it_waits(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for(lambda: fake.polls_waiting > 0)

    ada.send_text("hello")
    [update] = await poll

    assert update.message is not None
    assert update.message.text == "hello"


async def test_short_poll_with_nothing_queued_returns_nothing(bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()


async def test_offset_confirms_earlier_updates(bot: Bot, ada: FakeUser) -> None:
    ada.send_text("one")
    ada.send_text("two")
    [first, second] = await bot.get_updates()

    remaining = await bot.get_updates(offset=first.update_id + 1)

    assert [u.update_id for u in remaining] == [second.update_id]
    assert second.update_id > first.update_id


async def test_allowed_updates_filters_out_other_kinds(bot: Bot, ada: FakeUser) -> None:
    ada.send_text("hello")
    await bot.get_updates(allowed_updates=["callback_query"])

    assert await bot.get_updates() == ()


async def test_duplicate_last_update_redelivers_the_same_update_id(bot: Bot, ada: FakeUser) -> None:
    ada.send_text("done")
    [original] = await bot.get_updates()

    ada.duplicate_last_update()
    [again] = await bot.get_updates(offset=original.update_id + 1)

    assert again.update_id == original.update_id
    assert again.message == original.message
    assert await bot.get_updates(offset=original.update_id + 1) == ()


async def test_user_and_bot_share_message_ids_in_a_chat(bot: Bot, ada: FakeUser) -> None:
    first = ada.send_text("hi")
    reply = await bot.send_message(ADA, "hello")
    second = ada.send_text("thanks")

    assert (first, reply.message_id, second) == (1, 2, 3)


async def test_reply_to_a_bot_message_carries_that_message(bot: Bot, ada: FakeUser) -> None:
    tip = await bot.send_message(ADA, "Drink water", reply_markup=keyboard("done"))

    ada.send_text("did it", reply_to=tip.message_id)
    [update] = await bot.get_updates()

    assert update.message is not None
    replied = update.message.reply_to_message
    assert replied is not None
    assert replied.text == "Drink water"
    assert replied.reply_markup == tip.reply_markup


async def test_press_delivers_a_callback_query_on_the_bot_message(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    tip = await bot.send_message(ADA, "Walk", reply_markup=keyboard("done", "skip"))

    query_id = ada.press(tip.message_id, "skip")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    await query.answer("Noted")

    assert (query.id, query.data, query.message.message_id) == (query_id, "skip", tip.message_id)
    assert [c.params["text"] for c in ada.answered_callbacks()] == ["Noted"]


async def test_pressing_a_button_the_message_lacks_is_a_script_error(
    bot: Bot, ada: FakeUser
) -> None:
    tip = await bot.send_message(ADA, "Walk", reply_markup=keyboard("done"))

    with pytest.raises(LookupError):
        ada.press(tip.message_id, "nope")


async def test_answering_a_query_twice_is_refused(bot: Bot, ada: FakeUser) -> None:
    tip = await bot.send_message(ADA, "Walk", reply_markup=keyboard("done"))
    query_id = ada.press(tip.message_id, "done")
    await bot.answer_callback_query(query_id)

    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_edits_are_applied_to_the_inbox(bot: Bot, ada: FakeUser) -> None:
    tip = await bot.send_message(ADA, "Walk", reply_markup=keyboard("done"))

    await bot.edit_message_text("Walk ✅", chat_id=ADA, message_id=tip.message_id)

    [message] = ada.inbox()
    assert (message.text, message.edited, message.buttons) == ("Walk ✅", True, [])


async def test_edit_without_change_is_not_modified(bot: Bot, ada: FakeUser) -> None:
    tip = await bot.send_message(ADA, "Walk")

    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Walk", chat_id=ADA, message_id=tip.message_id)


async def test_user_edit_becomes_an_edited_message_update(bot: Bot, ada: FakeUser) -> None:
    note = ada.send_text("walked 10 min")
    await bot.get_updates()
    [first] = await bot.get_updates()

    ada.edit_text(note, "walked 20 min")
    [update] = await bot.get_updates(offset=first.update_id + 1)

    assert update.edited_message is not None
    assert (update.edited_message.message_id, update.edited_message.text) == (note, "walked 20 min")


async def test_stickers_and_photos_arrive_without_text(bot: Bot, ada: FakeUser) -> None:
    ada.send_sticker()
    ada.send_photo()

    sticker, photo = await bot.get_updates()

    assert sticker.message is not None
    assert sticker.message.sticker is not None
    assert photo.message is not None
    assert photo.message.photo


async def test_document_upload_is_recorded_with_its_bytes(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    sent = await bot.send_document(ADA, io.BytesIO(b"date,tip\n"), filename="export.csv")

    [call] = fake.calls_to("sendDocument")
    assert call.params["document"].data == b"date,tip\n"
    assert sent.document is not None
    assert sent.document.file_name == "export.csv"


async def test_set_and_get_my_commands(bot: Bot) -> None:
    await bot.set_my_commands([("start", "Subscribe"), ("tip", "A tip now")])

    assert [c.command for c in await bot.get_my_commands()] == ["start", "tip"]


async def test_get_updates_conflicts_while_a_webhook_is_set(bot: Bot) -> None:
    await bot.set_webhook("https://example.org/hook")

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_json_bodies_are_accepted(fake: FakeBotApi, ada: FakeUser) -> None:
    url = f"{fake.base_url}{fake.token}/sendMessage"
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, json={"chat_id": ADA, "text": "via json", "disable_notification": True}
        ) as response,
    ):
        body = await response.json()

    assert body["ok"] is True
    assert ada.inbox()[0].text == "via json"


async def test_wait_for_message_timeout_names_what_was_sent(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    await bot.send_message(ADA, "Good morning")

    with pytest.raises(AssertionError, match="Good morning"):
        await fake.wait_for_message(ADA, "streak", timeout=0.05)


async def test_a_polling_application_answers_a_command(fake: FakeBotApi, ada: FakeUser) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Welcome!")

    app = Application.builder().token(fake.token).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        ada.send_command("/start")
        welcome = await fake.wait_for_message(ADA, "Welcome")
        await app.updater.stop()
        await app.stop()

    assert welcome.reply_to_message_id is None


async def test_recorded_results_keep_what_was_sent_before_an_edit(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    tip = await bot.send_message(ADA, "Walk")
    await bot.edit_message_text("Walk ✅", chat_id=ADA, message_id=tip.message_id)

    [sent] = fake.calls_to("sendMessage")

    assert isinstance(sent.result, dict)
    assert sent.result["text"] == "Walk"


async def test_message_dates_come_from_the_injected_clock() -> None:
    async with (
        FakeBotApi(clock=lambda: 1_750_000_000.0) as fake,
        Bot(fake.token, base_url=fake.base_url) as bot,
    ):
        fake.user(ADA)
        sent = await bot.send_message(ADA, "hi")

    assert sent.date == dt.datetime.fromtimestamp(1_750_000_000, tz=dt.UTC)


async def test_photo_upload_is_recorded_with_its_bytes_and_caption(
    bot: Bot, fake: FakeBotApi, ada: FakeUser
) -> None:
    sent = await bot.send_photo(
        ADA, io.BytesIO(b"\x89PNG fake"), caption="<b>Week</b>", parse_mode="HTML"
    )

    [call] = fake.calls_to("sendPhoto")
    assert call.params["photo"].data == b"\x89PNG fake"
    assert sent.photo
    assert sent.caption == "Week"


async def test_a_caption_over_1024_characters_is_refused(bot: Bot, ada: FakeUser) -> None:
    with pytest.raises(BadRequest, match="caption"):
        await bot.send_photo(ADA, io.BytesIO(b"png"), caption="x" * 1025)
