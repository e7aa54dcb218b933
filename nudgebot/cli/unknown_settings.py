"""Warns about NUDGEBOT_* variables nudgebot does not read: usually a misspelt setting."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path

from dotenv import dotenv_values

from nudgebot.config import SETTING_NAMES

PREFIX = "NUDGEBOT_"
# Read outside Settings: by the test suite and its helpers, never by the bot itself.
NOT_SETTINGS = frozenset({"NUDGEBOT_TEST_POSTGRES", "NUDGEBOT_BOT_API_SPEC", "NUDGEBOT_KILL_SEED"})


def _stem(name: str) -> str:
    # The shared prefix would make every NUDGEBOT_ name look alike: compare what follows it.
    return name.upper().removeprefix(PREFIX)


def closest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` most likely meant to be, or None when none is close."""
    by_stem = {_stem(candidate): candidate for candidate in sorted(known)}
    stem = _stem(name)
    matches = difflib.get_close_matches(stem, list(by_stem), n=1, cutoff=0.6)
    if matches:
        return by_stem[matches[0]]
    # A part of the name: NUDGEBOT_TOKEN for TELEGRAM_BOT_TOKEN, NUDGEBOT_DATABASE for ..._URL.
    words = set(stem.split("_")) - {""}
    partial = [full for known_stem, full in by_stem.items() if words <= set(known_stem.split("_"))]
    return partial[0] if len(partial) == 1 else None


def unknown_names(names: Iterable[str], known: Iterable[str] = SETTING_NAMES) -> list[str]:
    """The NUDGEBOT_* names among `names` that are neither a setting nor a test variable.

    Settings reads names case-insensitively, so `nudgebot_port` is a setting, not a typo.
    """
    expected = {name.upper() for name in set(known) | NOT_SETTINGS}
    return sorted(
        {name for name in names if name.upper().startswith(PREFIX) and name.upper() not in expected}
    )


def warning(name: str, known: Iterable[str] = SETTING_NAMES) -> str:
    """One line naming the unknown variable and, when there is one, the setting it resembles."""
    guess = closest_name(name, known)
    if guess is None:
        return f"nudgebot: unknown setting {name} (ignored; the settings are in docs/operations.md)"
    return f"nudgebot: unknown setting {name} (did you mean {guess}?)"


def warnings(environ: Mapping[str, str], env_file: Path = Path(".env")) -> list[str]:
    """A line for each unknown NUDGEBOT_* variable in the environment or in the .env file."""
    names = set(environ)
    if env_file.is_file():
        # Settings reports an unreadable .env itself; a warning is not worth a failure.
        with contextlib.suppress(OSError, UnicodeDecodeError):
            names |= set(dotenv_values(env_file, encoding="utf-8"))
    return [warning(name) for name in unknown_names(names)]
