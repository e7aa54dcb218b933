"""NUDGEBOT_METRICS_LISTEN mistakes as an operator meets them: one line, the right exit code."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.e2e.test_cli import run

TOKEN = {"TELEGRAM_BOT_TOKEN": "123456:ABCdef"}


@pytest.mark.parametrize(
    "value",
    ["9100", "localhost", ":9100", "127.0.0.1:", "127.0.0.1:port", "127.0.0.1:70000", "::1:9100"],
)
def test_a_metrics_address_that_is_not_host_and_port_is_one_line_and_exit_code_2(
    tmp_path: Path, value: str
) -> None:
    result = run("run", env={**TOKEN, "NUDGEBOT_METRICS_LISTEN": value}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "NUDGEBOT_METRICS_LISTEN must be host:port such as 127.0.0.1:9100" in result.stderr
    assert "Traceback" not in result.stderr
    assert "ABCdef" not in result.stderr
    assert not (tmp_path / "nudgebot.db").exists()


def test_a_metrics_address_in_use_names_the_setting_and_exits_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "run",
            env={
                **TOKEN,
                "NUDGEBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
                "NUDGEBOT_METRICS_LISTEN": f"127.0.0.1:{port}",
            },
            cwd=tmp_path,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "NUDGEBOT_METRICS_LISTEN" in result.stderr
    assert "Traceback" not in result.stderr
