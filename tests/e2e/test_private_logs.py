"""Logs never hold the token or anything a subscriber wrote, even with every logger at DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import receive_tip, subscribe

# Words nobody else in the journey uses, so any appearance is a leak of what they wrote.
NOTE = "zucchini quokka marmalade"
EDITED = "edited pangolin casserole"
CRISIS = "i want to kill myself"  # the crisis reply must not log what triggered it
LOUD_LOGGERS = (
    "",
    "telegram",
    "telegram.ext",
    "telegram.Bot",
    "httpx",
    "aiohttp",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "sqlalchemy.orm",
    "apscheduler",
    "nudgebot",
)


@pytest.fixture
def every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """DEBUG everywhere, sqlalchemy.engine included, as an operator hunting a bug might set it."""
    levels = {name: logging.getLogger(name).level for name in LOUD_LOGGERS}
    for name in LOUD_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    # Only the bot's own records: the fake Bot API server in this process is not the bot.
    records = [r for r in caplog.records if not r.name.startswith(("tests", "aiohttp.access"))]
    assert len(records) > 50  # DEBUG really was on
    parts = [caplog.text]
    for record in records:
        parts.append(record.getMessage())
        parts.append(record.exc_text or "")
    return "\n".join(parts)


async def test_a_whole_journey_at_debug_logs_no_token_and_no_check_in_text(
    bot: Bot, every_logger_at_debug: pytest.LogCaptureFixture
) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    tip = await receive_tip(bot, ada)
    before = len(ada.inbox())
    message_id = ada.send_text(NOTE, reply_to=tip.message_id)
    await bot.fake.wait_for_message(ada.chat_id, "Streak", after=before)
    before = len(ada.inbox())
    ada.edit_text(message_id, EDITED)
    await bot.fake.wait_for_message(ada.chat_id, "updated", after=before)
    before = len(ada.inbox())
    ada.send_text(CRISIS)
    await bot.fake.wait_for_message(ada.chat_id, "glad you told me", after=before)
    await bot.say(ada, "/export", expect="")
    await bot.fake.wait_for(lambda: len(bot.fake.calls_to("sendDocument")) == 2)
    await bot.say(ada, "/progress", expect="streak")
    text = logged_text(every_logger_at_debug)
    assert bot.fake.token not in text
    assert bot.fake.token.split(":")[1] not in text
    for secret in (NOTE, EDITED, CRISIS, "zucchini", "pangolin"):
        assert secret not in text.lower(), f"{secret!r} leaked into the logs"
