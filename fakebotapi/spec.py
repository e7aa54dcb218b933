"""Loads the machine-readable Bot API description (api.min.json) the fake is held to."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_ENV = "NUDGEBOT_BOT_API_SPEC"
_REPO_ROOT = Path(__file__).resolve().parents[1]
# The vendored copy (MIT, PaulSonOfLars/telegram-bot-api-spec) first, so a fresh clone's tests
# run anywhere; a newer ../shared copy can be chosen with the environment variable.
_CANDIDATES = (
    Path(__file__).resolve().parent / "spec" / "api.min.json",
    _REPO_ROOT / "telegram-bot-api" / "api.min.json",
    _REPO_ROOT.parent / "shared" / "telegram-bot-api" / "api.min.json",
)


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its parameters and what it returns."""

    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    """A Bot API type: either an object with fields or a union of subtypes."""

    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]


class ApiSpec:
    """Methods (looked up case-insensitively, as Telegram does) and types of the Bot API."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = str(data.get("version", ""))
        self.methods = {
            name.lower(): MethodSpec(name, _fields(raw), tuple(raw.get("returns", ())))
            for name, raw in data["methods"].items()
        }
        self.types = {
            name: TypeSpec(name, _fields(raw), tuple(raw.get("subtypes", ())))
            for name, raw in data["types"].items()
        }

    def method(self, name: str) -> MethodSpec | None:
        """The method called `name` in any letter case, or None when Telegram has no such method."""
        return self.methods.get(name.lower())


def _fields(raw: dict[str, Any]) -> dict[str, FieldSpec]:
    return {
        f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]))
        for f in raw.get("fields", ())
    }


def find_spec_path() -> Path:
    """The spec named by $NUDGEBOT_BOT_API_SPEC, else the repo's copy, else ../shared's."""
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in _CANDIDATES)
    raise FileNotFoundError(f"api.min.json not found (set {SPEC_ENV}); looked in {searched}")


@cache
def load_spec(path: Path | None = None) -> ApiSpec:
    """Parse the spec once per path; it is read-only afterwards."""
    resolved = path or find_spec_path()
    return ApiSpec(json.loads(resolved.read_text(encoding="utf-8")))
