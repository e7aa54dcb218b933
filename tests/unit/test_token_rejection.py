"""The one line for a refused getMe: the setting to fix, never the token."""

from __future__ import annotations

import pytest
from telegram.error import InvalidToken, TelegramError

from nudgebot.app.reach import rejection
from nudgebot.config import Settings

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"


def refused(description: str, *, json_body: bool = True) -> InvalidToken:
    """What PTB's Bot.initialize raises: the token in its message, Telegram's answer as cause."""
    answer = InvalidToken(description)
    if not json_body:
        answer.__cause__ = TelegramError("Invalid server response")
    error = InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    error.__cause__ = answer
    return error


def settings(api_url: str = "https://api.telegram.org/bot") -> Settings:
    return Settings(TELEGRAM_BOT_TOKEN=TOKEN, NUDGEBOT_TELEGRAM_API_URL=api_url)


def test_telegram_refusing_the_token_names_the_token_setting() -> None:
    line = rejection(settings(), refused("Unauthorized"))
    assert line.startswith(
        "Telegram rejected the token: check TELEGRAM_BOT_TOKEN (or NUDGEBOT_TELEGRAM_API_URL); "
        "Telegram said Unauthorized; "
    )
    assert "@BotFather" in line


def test_a_local_bot_api_refusing_the_token_names_both_settings() -> None:
    line = rejection(settings("http://127.0.0.1:8081/bot"), refused("Unauthorized"))
    assert "the Bot API at http://127.0.0.1:8081/bot said Unauthorized" in line
    assert "TELEGRAM_BOT_TOKEN" in line


@pytest.mark.parametrize(
    ("api_url", "error"),
    [
        ("https://api.telegram.org/", refused("Not Found")),
        ("http://127.0.0.1:8080/bot", refused("Not Found (404)", json_body=False)),
    ],
)
def test_a_url_that_is_not_the_bot_api_names_the_url_setting(
    api_url: str, error: InvalidToken
) -> None:
    line = rejection(settings(api_url), error)
    assert line.startswith(f"NUDGEBOT_TELEGRAM_API_URL={api_url} answered getMe with Not Found")
    assert "ends in /bot" in line


@pytest.mark.parametrize("api_url", ["https://api.telegram.org/bot", "https://x.example/"])
def test_the_line_never_holds_the_token(api_url: str) -> None:
    line = rejection(settings(api_url), refused(f"Unauthorized for {TOKEN}"))
    assert TOKEN not in line
    assert "\n" not in line
