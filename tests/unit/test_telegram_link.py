"""The TelegramLink: reachable or not, and one "Telegram reachable again" line per outage."""

from __future__ import annotations

import logging

import pytest

from nudgebot.monitoring.telegram_link import TelegramLink

AGAIN = "Telegram reachable again"


def serving_link() -> TelegramLink:
    link = TelegramLink()
    link.answered(link.failures)
    link.start_serving()
    return link


def lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in record.getMessage() for record in caplog.records)


def test_the_first_answer_after_an_outage_logs_reachable_again_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    link = serving_link()
    for _ in range(3):
        link.failed("SendNotStarted: refused")
    for _ in range(5):
        link.answered(link.failures)
    assert link.reachable
    assert lines(caplog, AGAIN) == 1


def test_each_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    link = serving_link()
    for _ in range(2):
        link.failed("SendNotStarted: refused")
        link.failed("SendNotStarted: refused")
        link.answered(link.failures)
    assert lines(caplog, AGAIN) == 2
    assert lines(caplog, "Telegram unreachable") == 2


def test_a_call_begun_before_the_outage_does_not_end_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    link = serving_link()
    long_poll_began_after = link.failures
    link.failed("ConnectionLost: reset")
    link.answered(long_poll_began_after)
    assert not link.reachable
    assert lines(caplog, AGAIN) == 0


def test_reaching_telegram_during_start_up_is_not_called_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    link = TelegramLink()
    link.failed("SendNotStarted: refused")
    link.answered(link.failures)
    assert link.reachable
    assert lines(caplog, AGAIN) == 0


def test_the_last_error_never_holds_the_token() -> None:
    token = "123456:TEST-token-abcdef"
    link = TelegramLink(token)
    link.failed(OSError(f"cannot reach http://127.0.0.1:9/bot{token}/getMe"))
    assert link.error == "OSError: cannot reach http://127.0.0.1:9/bot[redacted-token]/getMe"
