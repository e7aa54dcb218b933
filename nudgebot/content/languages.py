"""Which languages the content speaks: language codes and each language's language.yaml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_LANGUAGE = "en"
LANGUAGE_FILE = "language.yaml"
# The files a language may translate; any it does not cover come from the default language.
CONTENT_FILES: tuple[str, ...] = ("messages.yaml", "tips.yaml", "faq.yaml")

_CODE = re.compile(r"[a-z]{2,3}")
_FIELDS = frozenset({"name", "native_name", "complete", "covers"})


@dataclass(frozen=True, slots=True)
class Language:
    """One language of the content, as its language.yaml describes it."""

    code: str
    name: str
    native_name: str
    covers: tuple[str, ...]  # content files translated in this language

    @property
    def complete(self) -> bool:
        return set(self.covers) == set(CONTENT_FILES)

    @property
    def falls_back(self) -> tuple[str, ...]:
        """Files read from the default language instead."""
        return tuple(name for name in CONTENT_FILES if name not in self.covers)


ENGLISH = Language(DEFAULT_LANGUAGE, "English", "English", CONTENT_FILES)


def is_language_code(name: str) -> bool:
    """Whether a folder name is a language code (ISO 639: two or three lowercase letters)."""
    return _CODE.fullmatch(name) is not None


def base_code(code: str | None) -> str | None:
    """'de-AT' and 'DE_at' -> 'de': Telegram sends IETF tags, the content knows base languages."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip(), maxsplit=1)[0].casefold()
    return base if is_language_code(base) else None


def parse_language(code: str, data: object) -> tuple[Language | None, list[tuple[str, str]]]:
    """Read language.yaml's data; returns the language or the (item, reason) problems."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, Mapping):
        return None, [("", "must be a mapping with name, native_name, complete and covers")]
    for field in data:
        if field not in _FIELDS:
            known = ", ".join(sorted(_FIELDS))
            problems.append(("", f"unknown field {field!r} (known: {known})"))
    texts: dict[str, str] = {}
    for field in ("name", "native_name"):
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            problems.append((field, "must be non-empty text"))
        else:
            texts[field] = value.strip()
    covers = data.get("covers")
    if not isinstance(covers, list) or not all(isinstance(name, str) for name in covers):
        problems.append(("covers", f"must list the files translated here ({_files()})"))
        covers = []
    unknown = [name for name in covers if name not in CONTENT_FILES]
    if unknown:
        problems.append(("covers", f"{', '.join(unknown)}: not a content file ({_files()})"))
    complete = data.get("complete")
    covered = tuple(name for name in CONTENT_FILES if name in covers)
    if not isinstance(complete, bool):
        problems.append(("complete", "must be true or false"))
    elif complete != (len(covered) == len(CONTENT_FILES)):
        missing = ", ".join(name for name in CONTENT_FILES if name not in covered)
        problems.append(
            (
                "complete",
                f"says {str(complete).lower()}, but covers "
                + (f"leaves out {missing}" if missing else "every file"),
            )
        )
    if code == DEFAULT_LANGUAGE and len(covered) != len(CONTENT_FILES):
        problems.append(("covers", "the default language must cover every file"))
    if problems:
        return None, problems
    return Language(code, texts["name"], texts["native_name"], covered), []


def _files() -> str:
    return ", ".join(CONTENT_FILES)
