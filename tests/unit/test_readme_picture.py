"""The README's picture is drawn by tools/make_readme_picture.py with the bot's own code."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "make_readme_picture.py"
COMMITTED = ROOT / "docs" / "progress.png"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_readme_picture", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_draws_a_png(tmp_path: Path) -> None:
    output = tmp_path / "progress.png"

    assert _script().main(["--output", str(output)]) == 0

    assert output.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_committed_picture_is_what_the_code_draws_today(tmp_path: Path) -> None:
    output = tmp_path / "progress.png"
    _script().main(["--output", str(output)])

    assert output.read_bytes() == COMMITTED.read_bytes(), (
        "docs/progress.png is out of date: run python tools/make_readme_picture.py and commit it"
    )
