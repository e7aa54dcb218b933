"""NUDGEBOT_SEND_JOURNAL_DIR: where the engine journals its sends, a folder per database."""

from __future__ import annotations

from pathlib import Path

import pytest

from nudgebot.app.builder import engine_options
from nudgebot.config import load_settings

TOKEN = "123456:ABCdef"
DATABASE = "postgresql+asyncpg://bot:secret@db.example:5432/nudgebot"


def journal_dir(**settings: str) -> Path | None:
    options = engine_options(load_settings(TELEGRAM_BOT_TOKEN=TOKEN, **settings))
    return options.journal_dir


def test_journals_go_in_a_folder_of_the_database_inside_the_directory_set(tmp_path: Path) -> None:
    folder = journal_dir(NUDGEBOT_SEND_JOURNAL_DIR=str(tmp_path), NUDGEBOT_DATABASE_URL=DATABASE)
    assert folder is not None
    assert folder.parent == tmp_path


def test_two_databases_never_share_a_journal_folder(tmp_path: Path) -> None:
    other = DATABASE.replace("/nudgebot", "/other")
    assert journal_dir(
        NUDGEBOT_SEND_JOURNAL_DIR=str(tmp_path), NUDGEBOT_DATABASE_URL=DATABASE
    ) != journal_dir(NUDGEBOT_SEND_JOURNAL_DIR=str(tmp_path), NUDGEBOT_DATABASE_URL=other)


def test_the_database_password_never_names_the_folder(tmp_path: Path) -> None:
    folder = journal_dir(NUDGEBOT_SEND_JOURNAL_DIR=str(tmp_path), NUDGEBOT_DATABASE_URL=DATABASE)
    rotated = DATABASE.replace("secret", "rotated")
    assert folder is not None
    assert "secret" not in str(folder)
    assert folder == journal_dir(
        NUDGEBOT_SEND_JOURNAL_DIR=str(tmp_path), NUDGEBOT_DATABASE_URL=rotated
    )


def test_without_the_setting_journals_go_to_the_users_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NUDGEBOT_SEND_JOURNAL_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    folder = journal_dir(NUDGEBOT_DATABASE_URL=DATABASE)
    assert folder is not None
    assert folder.parent == tmp_path / "nudgebot" / "send-journals"
