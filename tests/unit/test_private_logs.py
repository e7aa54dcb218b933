"""Log records lose their payloads before any handler sees them."""

from __future__ import annotations

import logging

import pytest

from nudgebot.logs import HIDDEN, REDACTED, hide_private_data_in_logs

TOKEN = "123456789:AAHfakefakefakefakefakefakefake12345"


@pytest.fixture(autouse=True)
def installed() -> None:
    hide_private_data_in_logs()


def message_of(logger: str, msg: str, *args: object) -> str:
    record = logging.getLogger(logger).makeRecord(logger, logging.DEBUG, "f", 1, msg, args, None)
    return record.getMessage()


def test_bot_api_parameters_are_hidden_but_the_method_name_is_kept() -> None:
    text = message_of(
        "telegram.ext.ExtBot",
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",
        {"text": "ate kimchi with friends"},
    )
    assert text == f"Calling Bot API endpoint `sendMessage` with parameters `{HIDDEN}`"


def test_sql_rows_and_aiosqlite_calls_are_hidden() -> None:
    assert "kimchi" not in message_of("sqlalchemy.engine.Engine", "Row %r", ("ate kimchi",))
    assert "kimchi" not in message_of("aiosqlite", "executing %s", "insert 'ate kimchi'")


def test_a_single_word_that_could_be_a_secret_is_hidden() -> None:
    assert message_of("telegram.Bot", "token %s", TOKEN) == f"token {HIDDEN}"


def test_a_token_in_any_message_is_redacted() -> None:
    assert message_of("nudgebot.app.builder", f"url https://x/bot{TOKEN}/getMe") == (
        f"url https://x/bot{REDACTED}/getMe"
    )


def test_the_bots_own_records_keep_their_arguments() -> None:
    assert message_of("nudgebot.delivery.engine", "tick: %s", "claimed 3") == "tick: claimed 3"
