"""The README's "How it works" tree names the package's real parts and files, and all its parts."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "nudgebot"


def _tree() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it works", 1)[1]
    return section.split("```\n", 2)[1].splitlines()


def _entries() -> dict[str, list[str]]:
    """Each part at the package's top level (`cli/`, `config.py`) and the files its lines name."""
    entries: dict[str, list[str]] = {}
    current = ""
    for line in _tree():
        match = re.match(r"^  (\S+)", line)
        if match:
            current = match.group(1)
            entries[current] = []
        elif not line.startswith(" "):
            current = ""  # back at the repository's top level (fakebotapi/, content/, ...)
        if current:
            entries[current] += re.findall(r"\b([a-z_0-9]+\.py)\b", line[len(current) + 2 :])
    return entries


def test_every_part_in_the_tree_exists() -> None:
    for part in _entries():
        assert (PACKAGE / part).exists(), f"README names nudgebot/{part}, which does not exist"


def test_every_package_in_nudgebot_is_in_the_tree() -> None:
    listed = set(_entries())
    for child in PACKAGE.iterdir():
        if child.is_dir() and (child / "__init__.py").exists():
            assert f"{child.name}/" in listed, f"README's tree misses nudgebot/{child.name}/"


def test_every_file_the_tree_names_exists_in_its_part() -> None:
    for part, files in _entries().items():
        folder = PACKAGE / part
        for name in files:
            found = list(folder.rglob(name)) if folder.is_dir() else []
            assert found, f"README says nudgebot/{part} has {name}, which it does not"
