"""What stopped a command, as the one line the operator reads."""

from __future__ import annotations

from pathlib import Path

from telegram.error import InvalidToken

from nudgebot.cli.failures import Context, explain

TOKEN = "123456:SECRET-TOKEN-abc"
CONTEXT = Context(
    database_url="postgresql+asyncpg://bot:pw@db.internal:5433/bot",
    telegram_api_url="https://api.telegram.org/bot",
    content_dir=Path("content"),
    token=TOKEN,
)


def test_a_token_telegram_does_not_know_is_a_setting_to_fix() -> None:
    # Bot.initialize's own InvalidToken, holding the token, caused by the 401 answer.
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.") from InvalidToken(
            "Unauthorized"
        )
    except InvalidToken as error:
        failure = explain(error, CONTEXT)
    assert failure.exit_code == 2
    assert failure.line.startswith(
        "nudgebot: Telegram rejected the token: "
        "check TELEGRAM_BOT_TOKEN (or NUDGEBOT_TELEGRAM_API_URL)"
    )
    assert TOKEN not in failure.line


def test_not_found_points_at_the_token_and_the_api_url() -> None:
    failure = explain(InvalidToken("Not Found"), CONTEXT)
    assert failure.exit_code == 2
    assert "NUDGEBOT_TELEGRAM_API_URL" in failure.line


def test_a_missing_driver_names_the_extra_to_install() -> None:
    try:
        raise RuntimeError("loading the dialect") from ModuleNotFoundError(
            "No module named 'asyncpg'", name="asyncpg"
        )
    except RuntimeError as error:
        failure = explain(error, CONTEXT)
    assert failure.line.endswith("pip install 'nudgebot[postgres]'")
    assert failure.exit_code == 1


def test_a_refused_connection_names_the_host_and_port() -> None:
    failure = explain(ConnectionRefusedError(111, "Connect call failed"), CONTEXT)
    assert "PostgreSQL at db.internal:5433 (connection refused)" in failure.line
    assert "bot:pw@" not in failure.line


def test_an_unexpected_error_is_one_line_without_the_token() -> None:
    failure = explain(ValueError(f"bad {TOKEN}\nsecond line"), CONTEXT)
    assert failure.exit_code == 1
    assert "\n" not in failure.line
    assert TOKEN not in failure.line
    assert failure.line.endswith("run again with --log-level DEBUG for the traceback")
