"""Which proxy a Bot API URL goes through, and NUDGEBOT_PROXY_URL's checks."""

from __future__ import annotations

import pytest

from nudgebot.config import SettingsError, load_settings
from nudgebot.telegram.proxy import parse_proxy, proxy_for

API = "https://api.telegram.org/bot123:abc/getMe"
VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_without_settings_or_variables_calls_go_direct() -> None:
    assert proxy_for(API) is None


def test_the_setting_is_used_for_https_and_http() -> None:
    assert str(proxy_for(API, "http://proxy:3128")) == "http://proxy:3128"
    assert str(proxy_for("http://local-api:8081/bot1:a/getMe", "http://proxy:3128")) == (
        "http://proxy:3128"
    )


def test_https_proxy_applies_to_https_urls_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://secure-proxy:8080")

    assert str(proxy_for(API)) == "http://secure-proxy:8080"
    assert proxy_for("http://local-api:8081/bot1:a/getMe") is None


def test_the_setting_wins_over_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://from-environment:8080")

    assert str(proxy_for(API, "http://from-setting:3128")) == "http://from-setting:3128"


def test_no_proxy_names_hosts_that_go_direct_even_with_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost,.telegram.org")

    assert proxy_for(API, "http://proxy:3128") is None
    assert proxy_for("http://localhost:8081/bot1:a/getMe", "http://proxy:3128") is None
    assert proxy_for("https://example.org/bot1:a/getMe", "http://proxy:3128") is not None


def test_a_variable_without_a_scheme_means_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "proxy.example:3128")

    assert str(proxy_for(API)) == "http://proxy.example:3128"


def test_a_malformed_variable_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://proxy.example:1080")

    with pytest.raises(ValueError, match=r"^in HTTPS_PROXY must be an http:// or https://"):
        proxy_for(API)


def test_credentials_never_show_in_the_proxy_s_text() -> None:
    proxy = parse_proxy("http://ada:secret@proxy:3128")

    assert "secret" not in str(proxy)
    assert "secret" not in repr(proxy)
    assert proxy.authorization == "Basic YWRhOnNlY3JldA=="


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("socks5://proxy:1080", "NUDGEBOT_PROXY_URL must be an http:// or https:// proxy URL"),
        ("http://", "NUDGEBOT_PROXY_URL has no host"),
        ("http://proxy:port", "NUDGEBOT_PROXY_URL has a port that is not a number"),
    ],
)
def test_a_malformed_proxy_setting_is_one_line_naming_it(value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as error:
        load_settings(telegram_bot_token="123:abc", proxy_url=value)

    assert "\n" not in str(error.value)
