"""Log lines: JSON for machines, and never a token or a user's words in either format."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from nudgebot.logs import REDACTED, configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("restore_root_logging")
def test_json_lines_carry_ts_level_logger_and_message() -> None:
    stream = io.StringIO()
    configure_logging(TOKEN, log_format="json", stream=stream)
    logging.getLogger("nudgebot.test").info("sent %s tips", 3)
    [entry] = lines(stream)
    assert set(entry) == {"ts", "level", "logger", "message"}
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "INFO",
        "nudgebot.test",
        "sent 3 tips",
    )
    assert str(entry["ts"]).endswith("+00:00")


@pytest.mark.usefixtures("restore_root_logging")
def test_an_exception_stays_on_one_json_line_with_the_token_redacted() -> None:
    stream = io.StringIO()
    configure_logging(TOKEN, log_format="json", stream=stream)
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        logging.getLogger("nudgebot.test").exception("send failed for bot%s", TOKEN)
    assert stream.getvalue().count("\n") == 1
    [entry] = lines(stream)
    assert TOKEN not in stream.getvalue()
    assert REDACTED in str(entry["message"])
    assert "RuntimeError" in str(entry["exc_info"])


@pytest.mark.usefixtures("restore_root_logging")
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_library_debug_lines_lose_update_and_api_payloads(log_format: str) -> None:
    stream = io.StringIO()
    configure_logging(TOKEN, level=logging.DEBUG, log_format=log_format, stream=stream)

    class Update:
        update_id = 42

        def __str__(self) -> str:
            return "Update(message=Message(text='I felt low after lunch'))"

    logging.getLogger("telegram.ext.Application").debug("Processing update %s", Update())
    logging.getLogger("telegram.Bot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",
        {"text": "I felt low after lunch"},
    )
    logging.getLogger("telegram.Bot").debug(
        "Call to Bot API endpoint `%s` finished with return value `%s`",
        "getUpdates",
        [{"message": {"text": "I felt low after lunch"}}],
    )
    written = stream.getvalue()
    assert "felt low" not in written
    assert "Processing update 42" in written
    assert "Calling Bot API endpoint `sendMessage`" in written
    assert "Call to Bot API endpoint `getUpdates` finished" in written


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="json"):
        configure_logging(TOKEN, log_format="xml")
