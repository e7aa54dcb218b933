"""Reading one content file's items: every field checked, every problem reported."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from pathlib import Path

import yaml

from nudgebot.content.model import Faq, Tip
from nudgebot.content.problems import Problems
from nudgebot.content.schema import (
    LIST_MESSAGES,
    MAX_COMMAND_DESCRIPTION,
    MAX_ID_BYTES,
    MAX_LABEL_CHARS,
    MAX_SHORT_CHARS,
    MESSAGE_PLACEHOLDERS,
    REQUIRED_COMMANDS,
    REQUIRED_MESSAGES,
    WORD_LISTS,
    text_list,
)
from nudgebot.content.telegram_html import (
    MAX_MESSAGE_LENGTH,
    telegram_html_problems,
    telegram_length,
)

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_TIP_FIELDS = frozenset({"id", "title", "short", "why", "try_this", "keywords"})
_FAQ_FIELDS = frozenset({"number", "id", "label", "question", "answer", "keywords"})


# libyaml's safe loader when PyYAML was built with it (the wheels are): content loads in about a
# fifth of the time, which is most of `nudgebot run`'s start-up; the same documents either way.
_SAFE_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


def read_yaml(path: Path, report: Problems) -> object:
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.add("", "file is missing")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.add("", f"cannot be read: {exc}")
        return None
    try:
        return yaml.load(source, Loader=_SAFE_LOADER)  # noqa: S506 - both are safe loaders
    except yaml.YAMLError as exc:
        report.add("", "invalid YAML: " + " ".join(str(exc).split()))
        return None


def _top_list(data: object, key: str, report: Problems) -> list[object]:
    if data is None and report.count:
        return []  # already reported as missing or unreadable
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        report.add("", f"must be a mapping with a '{key}' list")
        return []
    items: list[object] = data[key]
    if not items:
        report.add("", f"'{key}' is empty")
    return items


def _text(entry: Mapping[object, object], field: str, item: str, report: Problems) -> str | None:
    value = entry.get(field)
    if value is None:
        report.add(item, f"{field} is missing")
        return None
    if not isinstance(value, str):
        report.add(item, f"{field} must be text, not {type(value).__name__}")
        return None
    if not value.strip():
        report.add(item, f"{field} is empty")
        return None
    return value.strip()


def _slug(
    entry: Mapping[object, object], item: str, seen: set[str], report: Problems
) -> str | None:
    value = _text(entry, "id", item, report)
    if value is None:
        return None
    if not _SLUG.fullmatch(value):
        report.add(item, f"id {value!r} is not a slug (lowercase letters, digits, single hyphens)")
        return None
    if len(value.encode()) > MAX_ID_BYTES:
        report.add(item, f"id is longer than {MAX_ID_BYTES} bytes")
        return None
    if value in seen:
        report.add(item, f"duplicate id {value!r}")
        return None
    seen.add(value)
    return value


def _keywords(
    entry: Mapping[object, object], item: str, report: Problems
) -> tuple[str, ...] | None:
    value = entry.get("keywords")
    if value is None:
        report.add(item, "keywords is missing")
        return None
    if not isinstance(value, list):
        report.add(item, "keywords must be a list of words or phrases")
        return None
    words: list[str] = []
    for word in value:
        # YAML reads bare yes/no/on/off as booleans: quote such keywords.
        if not isinstance(word, str) or not word.strip():
            report.add(item, f"keyword {word!r} must be non-empty text (quote it)")
            return None
        normal = " ".join(word.casefold().split())
        if normal not in words:
            words.append(normal)
    if not words:
        report.add(item, "keywords is empty")
        return None
    return tuple(words)


def _item_name(kind: str, entry: Mapping[object, object], index: int) -> str:
    raw_id = entry.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        return f"{kind} {raw_id.strip()}"
    return f"{kind} #{index}"


def _unknown_fields(
    entry: Mapping[object, object], known: frozenset[str], item: str, report: Problems
) -> None:
    for field in entry:
        if field not in known:
            report.add(item, f"unknown field {field!r} (known: {', '.join(sorted(known))})")


def _entries(
    data: object, kind: str, known: frozenset[str], report: Problems
) -> Iterator[tuple[int, Mapping[object, object], str]]:
    """(number from 1, entry, its name in reports) for each entry of the list `<kind>s`.

    An entry that is not a mapping is reported and skipped; unknown fields are reported.
    """
    for index, entry in enumerate(_top_list(data, f"{kind}s", report), start=1):
        if not isinstance(entry, dict):
            report.add(f"{kind} #{index}", "must be a mapping of fields")
            continue
        item = _item_name(kind, entry, index)
        _unknown_fields(entry, known, item, report)
        yield index, entry, item


def parse_tips(data: object, report: Problems) -> list[Tip]:
    tips: list[Tip] = []
    seen: set[str] = set()
    for index, entry, item in _entries(data, "tip", _TIP_FIELDS, report):
        tip_id = _slug(entry, item, seen, report)
        title = _text(entry, "title", item, report)
        why = _text(entry, "why", item, report)
        try_this = _text(entry, "try_this", item, report)
        keywords = _keywords(entry, item, report)
        short = _short(entry, item, report)
        if tip_id and title and why and try_this and keywords and short is not None:
            tips.append(Tip(tip_id, index, title, why, try_this, keywords, short))
    return tips


def _short(entry: Mapping[object, object], item: str, report: Problems) -> str | None:
    """The optional short label: printable ASCII that the picture's built-in font can draw."""
    if entry.get("short") is None:
        return ""
    value = _text(entry, "short", item, report)
    if value is None:
        return None
    if len(value) > MAX_SHORT_CHARS:
        report.add(item, f"short is {len(value)} characters; at most {MAX_SHORT_CHARS}")
        return None
    if not (value.isascii() and value.isprintable()):
        report.add(item, "short must be plain letters (no emoji): the picture cannot draw them")
        return None
    return value


def parse_faqs(data: object, report: Problems) -> list[Faq]:
    faqs: list[Faq] = []
    seen_ids: set[str] = set()
    seen_numbers: set[int] = set()
    for index, entry, item in _entries(data, "faq", _FAQ_FIELDS, report):
        number = entry.get("number")
        number_ok = False
        if type(number) is not int:  # bool is an int subclass: `number: yes` must not pass
            report.add(item, "number is missing or not a whole number")
        elif number in seen_numbers:
            report.add(item, f"duplicate number {number}")
        elif number != index:
            report.add(item, f"number {number} is out of order: expected {index} (1..N in order)")
        else:
            number_ok = True
        if type(number) is int:
            seen_numbers.add(number)
        faq_id = _slug(entry, item, seen_ids, report)
        label = _text(entry, "label", item, report)
        if label is not None and len(label) > MAX_LABEL_CHARS:
            report.add(item, f"label is {len(label)} characters; at most {MAX_LABEL_CHARS}")
            label = None
        question = _text(entry, "question", item, report)
        answer = _text(entry, "answer", item, report)
        keywords = _keywords(entry, item, report)
        if number_ok and faq_id and label and question and answer and keywords:
            faqs.append(Faq(index, faq_id, label, question, answer, keywords))
    return faqs


def _placeholder_problems(template: str, allowed: frozenset[str]) -> list[str]:
    try:
        fields = [
            field for _, field, _, _ in string.Formatter().parse(template) if field is not None
        ]
    except ValueError as exc:
        return [f"broken braces ({exc}); write a literal brace as {{{{ or }}}}"]
    allowed_text = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
    return [
        f"unknown placeholder {{{field}}} (allowed: {allowed_text})"
        for field in fields
        if field not in allowed
    ]


def _list_problems(key: str, text: str) -> list[str]:
    wanted = LIST_MESSAGES.get(key)
    if wanted is None:
        return []
    items = text_list(text)
    if len(items) != wanted or not all(items):
        return [f"must be {wanted} names separated by commas"]
    if key.startswith("picture_") and not text.isascii():
        return ["must be plain letters (no emoji): the picture cannot draw them"]
    return []


def parse_messages(data: object, report: Problems) -> tuple[dict[str, str], dict[str, str]]:
    """Return (valid messages, valid commands); report everything else."""
    if not isinstance(data, dict):
        if not report.count:
            report.add("", "must be a mapping of message keys to text")
        return {}, {}
    messages: dict[str, str] = {}
    for key in REQUIRED_MESSAGES:
        if key not in data:
            report.add(f"message {key}", "is missing")
    for key in data:
        if key == "commands":
            continue
        item = f"message {key}"
        if key not in MESSAGE_PLACEHOLDERS:
            report.add(item, "is not a known message key (see MESSAGE_PLACEHOLDERS)")
            continue
        text = _text(data, key, item, report)
        if text is None:
            continue
        allowed = MESSAGE_PLACEHOLDERS[key]
        reasons = _placeholder_problems(text, allowed)
        if not reasons:
            sample = text.format(**{name: f"sample {name}" for name in allowed})
            reasons = [f"HTML: {reason}" for reason in telegram_html_problems(sample)]
            if telegram_length(sample) > MAX_MESSAGE_LENGTH:
                reasons.append(f"longer than {MAX_MESSAGE_LENGTH} characters")
            reasons += _list_problems(key, text)
        if key in WORD_LISTS and len(text.split()) != WORD_LISTS[key]:
            reasons.append(f"must be {WORD_LISTS[key]} words separated by spaces")
        for reason in reasons:
            report.add(item, reason)
        if not reasons:
            messages[key] = text
    return messages, _parse_commands(data.get("commands"), report)


def _parse_commands(data: object, report: Problems) -> dict[str, str]:
    if not isinstance(data, dict):
        report.add("commands", "must be a mapping of command to description")
        return {}
    commands: dict[str, str] = {}
    for name in REQUIRED_COMMANDS:
        if name not in data:
            report.add(f"command {name}", "is missing")
    for name in data:
        item = f"command {name}"
        if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
            report.add(item, "name must be 1-32 lowercase letters, digits or underscores")
            continue
        description = _text(data, name, item, report)
        if description is None:
            continue
        if len(description) > MAX_COMMAND_DESCRIPTION:
            report.add(item, f"description is longer than {MAX_COMMAND_DESCRIPTION} characters")
            continue
        commands[name] = description
    return commands
