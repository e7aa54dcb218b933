"""Content and migrations are found inside an installed package first, else in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from nudgebot.content import paths
from nudgebot.db import migrate

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_the_top_level_content_folder() -> None:
    assert paths.shipped_content_dir() == ROOT / "content"


def test_an_installed_package_reads_the_content_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "content_files" / "en").mkdir(parents=True)
    monkeypatch.setattr(paths, "files", lambda package: tmp_path)

    assert paths.shipped_content_dir() == tmp_path / "content_files"


def test_a_checkout_reads_the_top_level_migrations() -> None:
    assert migrate.migrations_dir() == ROOT / "alembic"


def test_an_installed_package_reads_the_migrations_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "env.py").write_text("")
    monkeypatch.setattr(migrate, "files", lambda package: tmp_path)

    assert migrate.migrations_dir() == tmp_path / "migrations"
