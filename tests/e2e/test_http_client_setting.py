"""NUDGEBOT_HTTP_CLIENT as an operator meets it: the lean client by default, aiohttp on request."""

from __future__ import annotations

from pathlib import Path

import pytest

from nudgebot.config import load_settings
from tests.e2e.test_cli import run

TOKEN = "123456:ABCdef"


@pytest.mark.parametrize("value", ["curl", "httpx", "lean,aiohttp", ""])
def test_an_unknown_http_client_is_one_line_naming_the_choices_and_exit_code_2(
    tmp_path: Path, value: str
) -> None:
    result = run(
        "run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "NUDGEBOT_HTTP_CLIENT": value}, cwd=tmp_path
    )

    assert result.returncode == 2
    assert result.stderr == (
        "nudgebot: NUDGEBOT_HTTP_CLIENT must be lean (the default) or aiohttp\n"
    )
    assert not (tmp_path / "nudgebot.db").exists()


@pytest.mark.parametrize(("value", "chosen"), [(" AioHTTP ", "aiohttp"), ("LEAN", "lean")])
def test_the_http_client_is_read_in_any_case_and_spacing(
    monkeypatch: pytest.MonkeyPatch, value: str, chosen: str
) -> None:
    monkeypatch.setenv("NUDGEBOT_HTTP_CLIENT", value)

    assert load_settings(TELEGRAM_BOT_TOKEN=TOKEN).http_client == chosen


def test_the_lean_client_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUDGEBOT_HTTP_CLIENT", raising=False)

    assert load_settings(TELEGRAM_BOT_TOKEN=TOKEN).http_client == "lean"
