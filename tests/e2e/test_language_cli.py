"""Languages seen from the operator's commands, run as real processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from nudgebot.content.paths import DEFAULT_CONTENT_DIR
from tests.e2e.test_cli import run


def test_content_check_lists_each_language_and_what_it_covers() -> None:
    result = run("content", "check")
    assert result.returncode == 0, result.stderr
    assert "  en English: complete" in result.stdout
    assert "  de Deutsch:" in result.stdout


def test_content_check_catches_a_message_missing_from_the_second_language(
    tmp_path: Path,
) -> None:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    messages = root / "de" / "messages.yaml"
    data = yaml.safe_load(messages.read_text(encoding="utf-8"))
    del data["checkin_done"]
    messages.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("content", "check", env={"NUDGEBOT_CONTENT_DIR": str(root)})
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["de/messages.yaml: message checkin_done: is missing"]


def test_preview_in_german_uses_the_german_content(tmp_path: Path) -> None:
    result = run(
        "preview",
        "--language",
        "de",
        "--days",
        "1",
        "--start",
        "2026-01-01",
        "--full",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "language de" in result.stdout
    assert "Ausprobiert?" in result.stdout


def test_preview_in_a_language_the_content_lacks_is_exit_code_2(tmp_path: Path) -> None:
    result = run("preview", "--language", "fr", cwd=tmp_path)
    assert result.returncode == 2
    assert "en, de" in result.stderr
