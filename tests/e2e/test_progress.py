"""/progress end to end: a picture with a caption once there are check-ins, kind words before."""

from __future__ import annotations

import io

from PIL import Image

from fakebotapi import BotMessage
from nudgebot.render.picture import WIDTH
from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import count_ack, receive_tip, subscribe


def picture(message: BotMessage) -> Image.Image:
    """The PNG the bot uploaded, as the fake recorded it."""
    return Image.open(io.BytesIO(message.params["photo"].data))


async def test_progress_sends_a_picture_with_a_text_summary(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    ada.press(tip.message_id, tip.buttons[0][1])
    await bot.fake.wait_for(lambda: count_ack(ada))
    ada.send_command("/progress")
    photo = await bot.fake.wait_for(
        lambda: next((m for m in ada.inbox() if m.kind == "photo"), None)
    )
    image = picture(photo)
    assert (image.format, image.mode, image.width) == ("PNG", "RGB", WIDTH)
    assert "Current streak: 1 day" in photo.text
    assert "Most practised: Fiber" in photo.text
    assert "1 of 28" in photo.text


async def test_progress_before_any_check_in_is_kind_text_not_an_empty_picture(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    answer = await bot.say(ada, "/progress")
    assert "No check-ins yet" in answer
    assert bot.fake.calls_to("sendPhoto") == []
