"""NUDGEBOT_METRICS_LISTEN read as a host and a port."""

from __future__ import annotations

import pytest

from nudgebot.config import SettingsError, load_settings

TOKEN = "123456:ABCdef"


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("127.0.0.1:9100", ("127.0.0.1", 9100)),
        (" localhost:9100 ", ("localhost", 9100)),
        ("[::1]:9100", ("::1", 9100)),
        ("0.0.0.0:0", ("0.0.0.0", 0)),
    ],
)
def test_host_and_port_are_read(value: str, address: tuple[str, int]) -> None:
    settings = load_settings(TELEGRAM_BOT_TOKEN=TOKEN, NUDGEBOT_METRICS_LISTEN=value)
    assert settings.metrics_address == address


def test_unset_means_beside_the_webhook() -> None:
    assert (
        load_settings(TELEGRAM_BOT_TOKEN=TOKEN, NUDGEBOT_METRICS_LISTEN="").metrics_address is None
    )


@pytest.mark.parametrize(
    "value", ["[]:1", "[127.0.0.1]:1", "host name:1", "a/b:1", "h:-1", "h:1.5"]
)
def test_anything_else_is_one_line_naming_the_setting(value: str) -> None:
    with pytest.raises(SettingsError, match=r"^NUDGEBOT_METRICS_LISTEN must be host:port"):
        load_settings(TELEGRAM_BOT_TOKEN=TOKEN, NUDGEBOT_METRICS_LISTEN=value)
