"""Imports point down the layers: a package never imports one above it (design.md, "Layers")."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Top to bottom. A module may import its own part and any part of a lower layer; parts that
# share a layer are independent of each other (the handlers never reach the engine, and the
# engine never reaches a handler).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"__main__"}),
    frozenset({"cli"}),
    frozenset({"web"}),
    frozenset({"app"}),
    frozenset({"monitoring"}),
    frozenset({"handlers", "delivery"}),
    frozenset({"services", "render"}),
    frozenset({"config", "telegram", "db"}),
    frozenset({"content"}),
    frozenset({"domain", "clock", "logs"}),
)
# Imports a part may never make, whatever the layers allow.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "handlers": ("nudgebot.db", "sqlalchemy"),  # handlers call services, never the database
    "domain": ("telegram", "sqlalchemy"),  # pure: no I/O library at all
    # The Bot API transport knows nothing of the engine or the bot (only its own modules).
    "telegram": ("nudgebot.",),
}
# The fake Bot API is a test tool of its own: it stands for Telegram, not for nudgebot.
INDEPENDENT_PACKAGES = ("fakebotapi",)


def _rank(part: str) -> int:
    for rank, layer in enumerate(LAYERS):
        if part in layer:
            return rank
    raise AssertionError(f"nudgebot.{part} is in no layer: add it to LAYERS")


def part_of(module: str) -> str:
    """'nudgebot.db.ledger' -> 'db'; 'nudgebot.config' -> 'config'."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def imported_modules(source: str, module: str) -> Iterator[str]:
    """Every module `source` imports, wherever the import stands (functions included)."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            elif node.module:
                yield node.module


def violations(source: str, module: str) -> list[str]:
    """Why each import of `module` (a nudgebot module, given as its source) breaks the rules."""
    importer = part_of(module)
    found: list[str] = []
    for target in imported_modules(source, module):
        own = target == f"nudgebot.{importer}" or target.startswith(f"nudgebot.{importer}.")
        for banned in () if own else FORBIDDEN.get(importer, ()):
            if target == banned.rstrip(".") or target.startswith(banned.rstrip(".") + "."):
                found.append(f"{module} imports {target}: {importer} may not import {banned}")
        if not target.startswith("nudgebot.") or importer == "__init__":
            continue
        imported = part_of(target)
        if imported == importer:
            continue
        if _rank(imported) < _rank(importer):
            found.append(f"{module} imports {target}: {importer} is below {imported}")
        elif _rank(imported) == _rank(importer):
            found.append(f"{module} imports {target}: {importer} and {imported} are independent")
    return found


def _modules(package: str) -> Iterator[tuple[Path, str]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        parts = [p for p in relative.parts if p != "__init__"]
        yield path, ".".join(parts)


def test_every_nudgebot_import_points_down_the_layers() -> None:
    found = [
        problem
        for path, module in _modules("nudgebot")
        for problem in violations(path.read_text(encoding="utf-8"), module)
    ]
    assert found == []


@pytest.mark.parametrize("package", INDEPENDENT_PACKAGES)
def test_the_fake_bot_api_imports_nothing_from_nudgebot(package: str) -> None:
    found = [
        f"{module} imports {target}"
        for path, module in _modules(package)
        for target in imported_modules(path.read_text(encoding="utf-8"), module)
        if target == "nudgebot" or target.startswith("nudgebot.")
    ]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("nudgebot.db.ledger", "from nudgebot.services.views import x", "db is below services"),
        ("nudgebot.handlers.x", "from nudgebot.delivery import engine", "are independent"),
        ("nudgebot.handlers.x", "from nudgebot.db import queries", "may not import nudgebot.db"),
        ("nudgebot.domain.x", "import sqlalchemy", "may not import sqlalchemy"),
        ("nudgebot.domain.x", "from telegram import Bot", "may not import telegram"),
        ("nudgebot.telegram.x", "from nudgebot.clock import Clock", "may not import nudgebot."),
        ("nudgebot.content.x", "def f():\n    from ..render import y", "content is below render"),
    ],
)
def test_an_upward_import_is_reported(module: str, source: str, expected: str) -> None:
    [problem] = violations(source, module)
    assert expected in problem


def test_imports_down_and_within_a_part_are_allowed() -> None:
    source = "from nudgebot.db import ledger\nfrom nudgebot.domain import rotation\nfrom . import y"
    assert violations(source, "nudgebot.delivery.engine") == []
