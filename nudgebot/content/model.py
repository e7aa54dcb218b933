"""Load content/<lang>/*.yaml and content/safety.yaml into frozen, validated dataclasses."""

from __future__ import annotations

import dataclasses
import html
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

from nudgebot.content.languages import (
    CONTENT_FILES,
    DEFAULT_LANGUAGE,
    ENGLISH,
    LANGUAGE_FILE,
    Language,
    base_code,
    is_language_code,
    parse_language,
)
from nudgebot.content.safety import EMPTY_SAFETY, SAFETY_FILE, SafetyContent, parse_safety
from nudgebot.domain.humanize import Wording

# The content root: one folder per language (content/en, content/de, ...). A folder that holds
# tips.yaml, faq.yaml and messages.yaml directly is read as English alone. safety.yaml (crisis
# resources by country) sits at the root, beside the language folders.
DEFAULT_CONTENT_DIR: Path = Path(__file__).resolve().parents[2] / "content"
TIPS_FILE = "tips.yaml"
FAQ_FILE = "faq.yaml"
MESSAGES_FILE = "messages.yaml"

# Every message key the code uses, with the only placeholders it may contain. A message may
# leave a placeholder out; it may never use one the code does not pass (str.format would fail).
MESSAGE_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        key: frozenset(names.split())
        for key, names in {
            "welcome": "name",
            "welcome_back": "name",
            "disclaimer": "",
            "ask_timezone": "",
            "ask_time": "",
            "timezone_set": "zone local_time",
            "timezone_suggest": "text",
            "timezone_unknown": "text",
            "time_set": "time next",
            "time_invalid": "text",
            "settings": "zone time status next",
            "status_active": "",
            "status_paused_until": "date",
            "status_paused": "",
            "status_stopped": "",
            "status_blocked": "",
            "next_none": "",
            "paused_until": "date days",
            "paused": "",
            "pause_invalid": "text",
            "resumed": "next",
            "already_active": "next",
            "stopped": "",
            "not_subscribed": "",
            "tip_invite": "",
            "tip_on_demand_note": "",
            "tips_list_header": "",
            "tip_number_invalid": "text",
            "button_done": "",
            "button_not_today": "",
            "button_partly": "",
            "button_snooze": "",
            "button_focus_done": "habit",
            "button_undo": "",
            "checkin_partly": "streak best",
            "snooze_ask": "",
            "snooze_1h": "",
            "snooze_3h": "",
            "snooze_eve": "",
            "snooze_set": "time",
            "snooze_too_late": "",
            "snooze_not_today": "",
            "snooze_already_logged": "",
            "reminder": "title",
            "habits_logged": "done skipped streak",
            "habits_logged_skipped_only": "skipped",
            "undo_done": "habits",
            "undo_nothing": "",
            "focus_ask": "current",
            "focus_none": "",
            "focus_saved": "habits",
            "focus_cleared": "",
            "focus_save": "",
            "focus_too_many": "",
            "focus_logged": "habit streak",
            "log_yesterday_done": "title streak",
            "log_yesterday_none": "",
            "log_usage": "",
            "checkin_done": "streak best",
            "checkin_skipped": "",
            "checkin_updated": "",
            "note_saved": "streak",
            "note_skipped_saved": "",
            "note_partly_saved": "streak",
            "note_updated": "",
            "journal_saved": "",
            "non_text": "",
            "checkin_stale": "",
            "faq_intro": "",
            "faq_number_invalid": "text",
            "faq_footer": "",
            "progress": "current best most least days",
            "progress_empty": "days",
            "habit_none": "",
            "summary_intro": "",
            "summary_line_quiet": "",
            "summary_line_back": "",
            "summary_line_streak": "streak",
            "summary_line_best_habit": "habit",
            "summary_line_steady": "days",
            "summary_status_on": "day time next",
            "summary_status_off": "",
            "summary_turned_on": "day time next",
            "summary_turned_off": "",
            "summary_invalid": "text",
            "weekday_names": "",
            "picture_title": "",
            "picture_span": "first last",
            "picture_streaks": "current best",
            "picture_days": "days total",
            "picture_done": "",
            "picture_partly": "",
            "picture_skipped": "",
            "picture_none": "",
            "picture_completion": "",
            "picture_share": "logged offered",
            "picture_not_yet": "",
            "picture_months": "",
            "picture_weekdays": "",
            "help": "",
            "unknown_command": "",
            "error_generic": "",
            "admin_only": "",
            "export_caption": "",
            "export_csv_caption": "",
            "forget_confirm": "",
            "forget_yes_button": "",
            "forget_no_button": "",
            "forget_done": "",
            "forget_nothing": "",
            "forget_kept": "",
            "tip_try_this": "",
            # Words for when the next tip comes and for counting days (domain.humanize.Wording).
            "when_today": "",
            "when_tomorrow": "",
            "when_weekdays": "",
            "when_months": "",
            "when_date": "weekday day month",
            "when_next": "day time zone until",
            "when_under_a_minute": "",
            "when_in_minutes": "minutes",
            "when_in_hours": "hours",
            "when_in_hours_minutes": "hours minutes",
            "when_in_days_one": "count",
            "when_in_days_other": "count",
            "day_one": "count",
            "day_other": "count",
            "language_choose": "current",
            "language_set": "language",
            "language_unknown": "text choices",
        }.items()
    }
)
REQUIRED_MESSAGES: tuple[str, ...] = tuple(MESSAGE_PLACEHOLDERS)
REQUIRED_COMMANDS: tuple[str, ...] = (
    "start",
    "timezone",
    "time",
    "settings",
    "pause",
    "resume",
    "stop",
    "tip",
    "tips",
    "faq",
    "focus",
    "log",
    "progress",
    "export",
    "forget",
    "summary",
    "help",
    "language",
)

# Messages that are lists of words, and how many words each must have.
WORD_LISTS: Mapping[str, int] = MappingProxyType({"when_weekdays": 7, "when_months": 12})
MAX_TIP_VISIBLE_CHARS = 600  # about 30 seconds of reading
MAX_MESSAGE_LENGTH = 4096  # Telegram's limit for a text message after entity parsing
MAX_ID_BYTES = 40  # ids travel in callback_data (64 bytes) next to a prefix
MAX_LABEL_CHARS = 30
MAX_SHORT_CHARS = 14  # the habit's label in the progress picture, beside a 4-week calendar
MAX_COMMAND_DESCRIPTION = 256

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_TIP_FIELDS = frozenset({"id", "title", "short", "why", "try_this", "keywords"})
_FAQ_FIELDS = frozenset({"number", "id", "label", "question", "answer", "keywords"})
_MAX_ERROR_LINES = 20


@dataclass(frozen=True, slots=True)
class Tip:
    """One daily habit tip; number is its 1-based place in the rotation."""

    id: str
    number: int
    title: str
    why: str
    try_this: str
    keywords: tuple[str, ...]
    # A plain-text label (no emoji: the picture's font has none) for the progress picture.
    short: str = ""

    @property
    def label(self) -> str:
        return self.short or self.id.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Faq:
    """One frequently asked question with its answer."""

    number: int
    id: str
    label: str
    question: str
    answer: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """One thing wrong with the content, located by file and item."""

    file: str
    item: str
    reason: str

    def __str__(self) -> str:
        if self.item:
            return f"{self.file}: {self.item}: {self.reason}"
        return f"{self.file}: {self.reason}"


class ContentError(Exception):
    """The content cannot be loaded; problems lists everything found, not just the first."""

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems: tuple[ContentProblem, ...] = tuple(problems)
        lines = [str(problem) for problem in self.problems[:_MAX_ERROR_LINES]]
        if len(self.problems) > _MAX_ERROR_LINES:
            lines.append(f"... and {len(self.problems) - _MAX_ERROR_LINES} more")
        super().__init__("\n".join(lines) or "content is invalid")


def _escape(value: object) -> str:
    return html.escape(str(value), quote=False)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything the bot says, loaded once at start."""

    tips: tuple[Tip, ...]
    faqs: tuple[Faq, ...]
    messages: Mapping[str, str]
    commands: Mapping[str, str]
    safety: SafetyContent = EMPTY_SAFETY
    info: Language = ENGLISH
    catalog: Catalog | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.info.code

    @property
    def languages(self) -> tuple[Language, ...]:
        """Every language the bot speaks, the default first."""
        return self.catalog.languages if self.catalog else (self.info,)

    def for_language(self, code: str | None) -> Content:
        """The content in the language `code` names ('de', 'de-AT'); the default otherwise."""
        if self.catalog is None:
            return self
        return self.catalog.get(base_code(code)) or self.catalog.default

    def find_language(self, text: str) -> Language | None:
        """The language a person means by a code or a name: 'de', 'Deutsch', 'german'."""
        wanted = " ".join(text.split()).casefold()
        code = base_code(wanted)
        for language in self.languages:
            if wanted in (language.name.casefold(), language.native_name.casefold()):
                return language
            if code == language.code and len(wanted) <= len("de-at"):
                return language
        return None

    @property
    def tip_ids(self) -> tuple[str, ...]:
        return tuple(tip.id for tip in self.tips)

    @property
    def wording(self) -> Wording:
        """This language's words for dates, durations and day counts."""

        def raw(key: str) -> str:
            # Plain text for composing: the final message escapes it once, like any value.
            return html.unescape(self.messages[key])

        return Wording(
            today=raw("when_today"),
            tomorrow=raw("when_tomorrow"),
            weekdays=tuple(raw("when_weekdays").split()),
            months=tuple(raw("when_months").split()),
            date=raw("when_date"),
            next_tip=raw("when_next"),
            under_a_minute=raw("when_under_a_minute"),
            in_minutes=raw("when_in_minutes"),
            in_hours=raw("when_in_hours"),
            in_hours_minutes=raw("when_in_hours_minutes"),
            in_days_one=raw("when_in_days_one"),
            in_days_other=raw("when_in_days_other"),
            day_one=raw("day_one"),
            day_other=raw("day_other"),
        )

    def tip(self, tip_id: str) -> Tip:
        for tip in self.tips:
            if tip.id == tip_id:
                return tip
        raise KeyError(tip_id)

    def tip_by_number(self, number: int) -> Tip | None:
        if 1 <= number <= len(self.tips):
            return self.tips[number - 1]
        return None

    def faq(self, number: int) -> Faq | None:
        for faq in self.faqs:
            if faq.number == number:
                return faq
        return None

    def faq_keywords(self) -> dict[int, tuple[str, ...]]:
        return {faq.number: faq.keywords for faq in self.faqs}

    def text(self, key: str, **values: object) -> str:
        """The message for key, with every value HTML-escaped so user input cannot break it."""
        return self.messages[key].format(**{name: _escape(v) for name, v in values.items()})

    def names(self, key: str) -> tuple[str, ...]:
        """A list message (see LIST_MESSAGES), such as the names of the weekdays."""
        return text_list(self.messages[key])

    def plain(self, key: str, **values: object) -> str:
        """The message for key with values as they are: for the picture, which is not HTML."""
        return self.messages[key].format(**values)

    def render_tip(self, tip: Tip, *, footer_key: str = "tip_invite") -> str:
        return "\n\n".join(
            (
                f"<b>{_escape(tip.title)}</b>",
                _escape(tip.why),
                f"<b>{self.text('tip_try_this')}</b> {_escape(tip.try_this)}",
                self.text(footer_key),
            )
        )

    def render_faq(self, faq: Faq) -> str:
        return "\n\n".join(
            (f"<b>{_escape(faq.question)}</b>", _escape(faq.answer), self.text("faq_footer"))
        )

    def render_tips_list(self) -> str:
        lines = [f"{tip.number}. {_escape(tip.title)}" for tip in self.tips]
        return self.text("tips_list_header") + "\n\n" + "\n".join(lines)


class Catalog:
    """Every language's Content, loaded once at start; Content.for_language looks here."""

    def __init__(self) -> None:
        self._contents: dict[str, Content] = {}

    def add(self, content: Content) -> None:
        self._contents[content.language] = content

    def get(self, code: str | None) -> Content | None:
        return self._contents.get(code or "")

    @property
    def default(self) -> Content:
        return self._contents[DEFAULT_LANGUAGE]

    @property
    def languages(self) -> tuple[Language, ...]:
        ordered = sorted(self._contents, key=lambda code: (code != DEFAULT_LANGUAGE, code))
        return tuple(self._contents[code].info for code in ordered)


# --- Telegram HTML -------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9A-Fa-f]+);")
_HREF = re.compile(r"""\s+href\s*=\s*(?:"[^"]*"|'[^']*')\s*""")
_ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "code", "a"})


def telegram_html_problems(text: str) -> list[str]:
    """Why Telegram's HTML parse mode would refuse text ([] when it would accept it)."""
    problems: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG.match(text, pos)
            if match is None:
                problems.append("unescaped '<' (write &lt;)")
                pos += 1
                continue
            pos = match.end()
            closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
            if name not in _ALLOWED_TAGS:
                problems.append(f"tag <{name}> is not allowed")
            elif closing:
                if attrs.strip() or not open_tags or open_tags[-1] != name:
                    problems.append(f"</{name}> does not close the open tag")
                else:
                    open_tags.pop()
            else:
                if name == "a" and not _HREF.fullmatch(attrs):
                    problems.append("<a> needs exactly one href attribute")
                elif name != "a" and attrs.strip():
                    problems.append(f"<{name}> takes no attributes")
                open_tags.append(name)
        elif char == "&":
            match = _ENTITY.match(text, pos)
            if match is None:
                problems.append("unescaped '&' (write &amp;)")
                pos += 1
            else:
                pos = match.end()
        else:
            if char == ">":
                problems.append("unescaped '>' (write &gt;)")
            pos += 1
    problems.extend(f"<{name}> is never closed" for name in reversed(open_tags))
    return problems


def visible_text(text: str) -> str:
    """What the reader sees of an HTML message: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def telegram_length(text: str) -> int:
    """Length as Telegram counts it against the 4096 limit (UTF-16 code units, visible text)."""
    return len(visible_text(text).encode("utf-16-le")) // 2


# --- Loading -------------------------------------------------------------------------------


class _Problems:
    """Collects problems for one file."""

    def __init__(self, file: str, into: list[ContentProblem]) -> None:
        self.file = file
        self._into = into
        self.count = 0

    def add(self, item: str, reason: str) -> None:
        self._into.append(ContentProblem(self.file, item, reason))
        self.count += 1


def _read_yaml(path: Path, report: _Problems) -> object:
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.add("", "file is missing")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.add("", f"cannot be read: {exc}")
        return None
    try:
        return yaml.safe_load(source)
    except yaml.YAMLError as exc:
        report.add("", "invalid YAML: " + " ".join(str(exc).split()))
        return None


def _top_list(data: object, key: str, report: _Problems) -> list[object]:
    if data is None and report.count:
        return []  # already reported as missing or unreadable
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        report.add("", f"must be a mapping with a '{key}' list")
        return []
    items: list[object] = data[key]
    if not items:
        report.add("", f"'{key}' is empty")
    return items


def _text(entry: Mapping[object, object], field: str, item: str, report: _Problems) -> str | None:
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
    entry: Mapping[object, object], item: str, seen: set[str], report: _Problems
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
    entry: Mapping[object, object], item: str, report: _Problems
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
    entry: Mapping[object, object], known: frozenset[str], item: str, report: _Problems
) -> None:
    for field in entry:
        if field not in known:
            report.add(item, f"unknown field {field!r} (known: {', '.join(sorted(known))})")


def _parse_tips(data: object, report: _Problems) -> list[Tip]:
    tips: list[Tip] = []
    seen: set[str] = set()
    for index, entry in enumerate(_top_list(data, "tips", report), start=1):
        if not isinstance(entry, dict):
            report.add(f"tip #{index}", "must be a mapping of fields")
            continue
        item = _item_name("tip", entry, index)
        _unknown_fields(entry, _TIP_FIELDS, item, report)
        tip_id = _slug(entry, item, seen, report)
        title = _text(entry, "title", item, report)
        why = _text(entry, "why", item, report)
        try_this = _text(entry, "try_this", item, report)
        keywords = _keywords(entry, item, report)
        short = _short(entry, item, report)
        if tip_id and title and why and try_this and keywords and short is not None:
            tips.append(Tip(tip_id, index, title, why, try_this, keywords, short))
    return tips


def _short(entry: Mapping[object, object], item: str, report: _Problems) -> str | None:
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


def _parse_faqs(data: object, report: _Problems) -> list[Faq]:
    faqs: list[Faq] = []
    seen_ids: set[str] = set()
    seen_numbers: set[int] = set()
    for index, entry in enumerate(_top_list(data, "faqs", report), start=1):
        if not isinstance(entry, dict):
            report.add(f"faq #{index}", "must be a mapping of fields")
            continue
        item = _item_name("faq", entry, index)
        _unknown_fields(entry, _FAQ_FIELDS, item, report)
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


# Messages that hold a comma-separated list, with how many items each must have.
LIST_MESSAGES: Mapping[str, int] = MappingProxyType(
    {"weekday_names": 7, "picture_weekdays": 7, "picture_months": 12}
)


def text_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


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


def _parse_messages(data: object, report: _Problems) -> tuple[dict[str, str], dict[str, str]]:
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


def _parse_commands(data: object, report: _Problems) -> dict[str, str]:
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


def _render_problems(content: Content, tips: _Problems, faqs: _Problems) -> None:
    footers = ("tip_invite", "tip_on_demand_note")
    if all(key in content.messages for key in (*footers, "tip_try_this")):
        for tip in content.tips:
            for footer in footers:
                rendered = content.render_tip(tip, footer_key=footer)
                visible = len(visible_text(rendered))
                if visible > MAX_TIP_VISIBLE_CHARS:
                    tips.add(
                        f"tip {tip.id}",
                        f"rendered with {footer} it is {visible} visible characters; "
                        f"keep it under {MAX_TIP_VISIBLE_CHARS} (30 seconds of reading)",
                    )
                _check_rendered(rendered, f"tip {tip.id}", tips)
    if "tips_list_header" in content.messages and content.tips:
        _check_rendered(content.render_tips_list(), "tips list", tips)
    if "faq_footer" in content.messages:
        for faq in content.faqs:
            _check_rendered(content.render_faq(faq), f"faq {faq.id}", faqs)


def _safety_problems(safety: SafetyContent, report: _Problems) -> None:
    if not safety.reply:
        return
    for country in (None, *safety.countries):
        _check_rendered(safety.render(country), f"reply for {country or 'default'}", report)


def _check_rendered(rendered: str, item: str, report: _Problems) -> None:
    for reason in telegram_html_problems(rendered):
        report.add(item, f"rendered HTML: {reason}")
    if telegram_length(rendered) > MAX_MESSAGE_LENGTH:
        report.add(item, f"rendered text is longer than {MAX_MESSAGE_LENGTH} characters")


@dataclass(frozen=True, slots=True)
class _Parts:
    """One language's parsed files, before they become a Content."""

    tips: tuple[Tip, ...]
    faqs: tuple[Faq, ...]
    messages: Mapping[str, str]
    commands: Mapping[str, str]


def _read_files(
    directory: Path, label: str, files: Sequence[str], problems: list[ContentProblem]
) -> dict[str, tuple[object, _Problems]]:
    parsed: dict[str, tuple[object, _Problems]] = {}
    for name in files:
        report = _Problems(f"{label}/{name}", problems)
        parsed[name] = (_read_yaml(directory / name, report), report)
    return parsed


def _parse_parts(
    directory: Path,
    label: str,
    covers: Sequence[str],
    fallback: _Parts | None,
    problems: list[ContentProblem],
) -> tuple[_Parts, _Problems, _Problems]:
    """Parse the files a language covers; the others come from `fallback` (the default)."""
    files = _read_files(directory, label, covers, problems)
    # Problems that show only when a fallback file is rendered with this language's messages.
    borrowed = f" (from {DEFAULT_LANGUAGE})"
    tips_report = (
        files[TIPS_FILE][1]
        if TIPS_FILE in files
        else _Problems(f"{label}/{TIPS_FILE}{borrowed}", problems)
    )
    faq_report = (
        files[FAQ_FILE][1]
        if FAQ_FILE in files
        else _Problems(f"{label}/{FAQ_FILE}{borrowed}", problems)
    )
    tips = tuple(_parse_tips(*files[TIPS_FILE])) if TIPS_FILE in files else None
    faqs = tuple(_parse_faqs(*files[FAQ_FILE])) if FAQ_FILE in files else None
    messages: Mapping[str, str] | None = None
    commands: Mapping[str, str] | None = None
    if MESSAGES_FILE in files:
        messages, commands = _parse_messages(*files[MESSAGES_FILE])
    parts = _Parts(
        tips=tips if tips is not None else (fallback.tips if fallback else ()),
        faqs=faqs if faqs is not None else (fallback.faqs if fallback else ()),
        messages=MappingProxyType(
            dict(messages if messages is not None else (fallback.messages if fallback else {}))
        ),
        commands=MappingProxyType(
            dict(commands if commands is not None else (fallback.commands if fallback else {}))
        ),
    )
    return parts, tips_report, faq_report


def _content(
    parts: _Parts, info: Language, catalog: Catalog | None, safety: SafetyContent
) -> Content:
    return Content(
        tips=parts.tips,
        faqs=parts.faqs,
        messages=parts.messages,
        commands=parts.commands,
        safety=safety,
        info=info,
        catalog=catalog,
    )


def _load_flat(directory: Path) -> tuple[Content, list[ContentProblem]]:
    problems: list[ContentProblem] = []
    label = directory.name or str(directory)
    parts, tips_report, faq_report = _parse_parts(directory, label, CONTENT_FILES, None, problems)
    safety = _read_safety(directory, label, problems)
    content = _content(parts, ENGLISH, None, safety)
    _render_problems(content, tips_report, faq_report)
    return content, problems


def _read_safety(directory: Path, label: str, problems: list[ContentProblem]) -> SafetyContent:
    # Crisis lines must never be missing: a content folder without its own safety.yaml gets
    # the one that ships with the bot.
    path = directory / SAFETY_FILE
    if not path.exists():
        path, label = DEFAULT_CONTENT_DIR / SAFETY_FILE, DEFAULT_CONTENT_DIR.name
    report = _Problems(f"{label}/{SAFETY_FILE}", problems)
    safety = parse_safety(_read_yaml(path, report), report.add)
    _safety_problems(safety, report)
    return safety


def _language_safety(
    folder: Path, shared: SafetyContent, problems: list[ContentProblem]
) -> SafetyContent:
    """A language's own crisis reply (<lang>/safety.yaml), or the shared one without it."""
    path = folder / SAFETY_FILE
    if not path.exists():
        return shared
    report = _Problems(f"{folder.name}/{SAFETY_FILE}", problems)
    safety = parse_safety(_read_yaml(path, report), report.add)
    _safety_problems(safety, report)
    # Someone reading another language must find the same helplines for their country.
    missing = sorted(set(shared.countries) - set(safety.countries))
    if missing:
        report.add("countries", f"misses {', '.join(missing)}, which ../{SAFETY_FILE} lists")
    extra = sorted(set(safety.countries) - set(shared.countries))
    if extra:
        report.add("countries", f"lists {', '.join(extra)}, which ../{SAFETY_FILE} does not")
    return safety


def _read_language(directory: Path, problems: list[ContentProblem]) -> Language | None:
    code = directory.name
    report = _Problems(f"{code}/{LANGUAGE_FILE}", problems)
    data = _read_yaml(directory / LANGUAGE_FILE, report)
    if report.count:
        return None
    language, found = parse_language(code, data)
    for item, reason in found:
        report.add(item, reason)
    return language


def _same_as_default(
    translated: Sequence[str],
    default: Sequence[str],
    kind: str,
    report: _Problems,
    *,
    ordered: bool = True,
) -> None:
    """A translation must list exactly the default's items (tips and FAQs: in the same order,
    since /tip 3 and /faq 2 must mean the same habit and question in every language)."""
    for item in default:
        if item not in translated:
            report.add(f"{kind} {item}", f"is missing (the {DEFAULT_LANGUAGE} content has it)")
    for item in translated:
        if item not in default:
            report.add(f"{kind} {item}", f"is not in the {DEFAULT_LANGUAGE} content")
    if ordered and set(translated) == set(default) and list(translated) != list(default):
        report.add("", f"{kind}s must come in the same order as in {DEFAULT_LANGUAGE}")


def _load_tree(root: Path) -> tuple[Content, list[ContentProblem]]:
    """Every language folder under root; the default language first, the others on top of it."""
    problems: list[ContentProblem] = []
    catalog = Catalog()
    safety = _read_safety(root, root.name or str(root), problems)
    folders = sorted(
        (path for path in root.iterdir() if path.is_dir() and is_language_code(path.name)),
        key=lambda path: (path.name != DEFAULT_LANGUAGE, path.name),
    )
    default: _Parts | None = None
    for folder in folders:
        code = folder.name
        language = _read_language(folder, problems)
        # With a broken language.yaml, check whatever files are there so nothing hides.
        covers = (
            language.covers
            if language
            else tuple(name for name in CONTENT_FILES if (folder / name).exists())
        )
        for name in CONTENT_FILES:
            if name not in covers and (folder / name).exists():
                problems.append(
                    ContentProblem(
                        f"{code}/{name}",
                        "",
                        f"is here but {LANGUAGE_FILE} does not list it in covers",
                    )
                )
        parts, tips_report, faq_report = _parse_parts(folder, code, covers, default, problems)
        if default is None:
            default = parts
        else:
            if TIPS_FILE in covers:
                _same_as_default(
                    [t.id for t in parts.tips], [t.id for t in default.tips], "tip", tips_report
                )
            if FAQ_FILE in covers:
                _same_as_default(
                    [f.id for f in parts.faqs], [f.id for f in default.faqs], "faq", faq_report
                )
            if MESSAGES_FILE in covers:
                _same_as_default(
                    list(parts.commands),
                    list(default.commands),
                    "command",
                    _Problems(f"{code}/{MESSAGES_FILE}", problems),
                    ordered=False,
                )
        info = language or Language(code, code, code, covers)
        content = _content(parts, info, catalog, _language_safety(folder, safety, problems))
        _render_problems(content, tips_report, faq_report)
        catalog.add(content)
    if default is None:
        problems.append(ContentProblem(str(root), "", f"has no {DEFAULT_LANGUAGE}/ folder"))
        return _content(_Parts((), (), {}, {}), ENGLISH, None, safety), problems
    return catalog.default, problems


def _load(directory: Path) -> tuple[Content, list[ContentProblem]]:
    if (directory / DEFAULT_LANGUAGE).is_dir():
        return _load_tree(directory)
    return _load_flat(directory)


def check_content(directory: Path = DEFAULT_CONTENT_DIR) -> list[ContentProblem]:
    """Every problem in the content directory, every language; [] when it is fine."""
    return _load(directory)[1]


def load_content(directory: Path = DEFAULT_CONTENT_DIR) -> Content:
    """The default language's content (others via for_language), or raise ContentError."""
    content, problems = _load(directory)
    if problems:
        raise ContentError(problems)
    return content
