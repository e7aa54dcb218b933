"""The closest known setting to a misspelt NUDGEBOT_* variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from nudgebot.cli.unknown_settings import closest_name, unknown_names, warning, warnings
from nudgebot.config import SETTING_NAMES


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("NUDGEBOT_SENDRATE", "NUDGEBOT_SEND_RATE"),
        ("NUDGEBOT_DATABSE_URL", "NUDGEBOT_DATABASE_URL"),
        ("NUDGEBOT_DATABASE", "NUDGEBOT_DATABASE_URL"),
        ("NUDGEBOT_TIMEZONE", "NUDGEBOT_DEFAULT_TIMEZONE"),
        ("NUDGEBOT_TOKEN", "TELEGRAM_BOT_TOKEN"),
        ("nudgebot_prot", "NUDGEBOT_PORT"),
    ],
)
def test_a_typo_finds_the_setting_it_was_meant_to_be(typed: str, meant: str) -> None:
    assert closest_name(typed, SETTING_NAMES) == meant


def test_a_name_like_no_setting_finds_none() -> None:
    assert closest_name("NUDGEBOT_COLOUR_SCHEME", SETTING_NAMES) is None


def test_only_unknown_nudgebot_names_count() -> None:
    names = ["PATH", "NUDGEBOT_PORT", "nudgebot_port", "NUDGEBOT_TEST_POSTGRES", "NUDGEBOT_X"]
    assert unknown_names(names) == ["NUDGEBOT_X"]


def test_the_warning_names_the_closest_setting() -> None:
    assert warning("NUDGEBOT_SENDRATE") == (
        "nudgebot: unknown setting NUDGEBOT_SENDRATE (did you mean NUDGEBOT_SEND_RATE?)"
    )


def test_the_warning_without_a_close_setting_points_at_the_list() -> None:
    assert warning("NUDGEBOT_COLOUR_SCHEME") == (
        "nudgebot: unknown setting NUDGEBOT_COLOUR_SCHEME (ignored; the settings are in "
        "docs/operations.md)"
    )


def test_the_env_file_and_the_environment_are_both_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("NUDGEBOT_SENDRATE=3\nNUDGEBOT_PORT=8081\n")
    found = warnings({"NUDGEBOT_LISTN": "0.0.0.0"}, env_file)
    assert found == [
        "nudgebot: unknown setting NUDGEBOT_LISTN (did you mean NUDGEBOT_LISTEN?)",
        "nudgebot: unknown setting NUDGEBOT_SENDRATE (did you mean NUDGEBOT_SEND_RATE?)",
    ]
