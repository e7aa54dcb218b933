"""What the bot says, as loaded: tips, FAQs, messages and commands, per language."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from dataclasses import dataclass

from nudgebot.content.languages import DEFAULT_LANGUAGE, ENGLISH, Language, base_code
from nudgebot.content.safety import EMPTY_SAFETY, SafetyContent
from nudgebot.content.schema import text_list
from nudgebot.domain.humanize import Wording


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
