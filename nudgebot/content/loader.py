"""Loads content/<lang>/*.yaml and content/safety.yaml: every language, its fallbacks, checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from nudgebot.content.languages import (
    CONTENT_FILES,
    DEFAULT_LANGUAGE,
    ENGLISH,
    LANGUAGE_FILE,
    Language,
    is_language_code,
    parse_language,
)
from nudgebot.content.model import Catalog, Content, Faq, Tip
from nudgebot.content.paths import DEFAULT_CONTENT_DIR, FAQ_FILE, MESSAGES_FILE, TIPS_FILE
from nudgebot.content.problems import ContentError, ContentProblem, Problems
from nudgebot.content.safety import SAFETY_FILE, SafetyContent, parse_safety
from nudgebot.content.schema import MAX_TIP_VISIBLE_CHARS
from nudgebot.content.telegram_html import (
    MAX_MESSAGE_LENGTH,
    telegram_html_problems,
    telegram_length,
    visible_text,
)
from nudgebot.content.validation import parse_faqs, parse_messages, parse_tips, read_yaml


def _render_problems(content: Content, tips: Problems, faqs: Problems) -> None:
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


def _safety_problems(safety: SafetyContent, report: Problems) -> None:
    if not safety.reply:
        return
    for country in (None, *safety.countries):
        _check_rendered(safety.render(country), f"reply for {country or 'default'}", report)
        if safety.sos:
            _check_rendered(safety.render_sos(country), f"sos for {country or 'default'}", report)


def _check_rendered(rendered: str, item: str, report: Problems) -> None:
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
) -> dict[str, tuple[object, Problems]]:
    parsed: dict[str, tuple[object, Problems]] = {}
    for name in files:
        report = Problems(f"{label}/{name}", problems)
        parsed[name] = (read_yaml(directory / name, report), report)
    return parsed


def _parse_parts(
    directory: Path,
    label: str,
    covers: Sequence[str],
    fallback: _Parts | None,
    problems: list[ContentProblem],
) -> tuple[_Parts, Problems, Problems]:
    """Parse the files a language covers; the others come from `fallback` (the default)."""
    files = _read_files(directory, label, covers, problems)
    # Problems that show only when a fallback file is rendered with this language's messages.
    borrowed = f" (from {DEFAULT_LANGUAGE})"
    tips_report = (
        files[TIPS_FILE][1]
        if TIPS_FILE in files
        else Problems(f"{label}/{TIPS_FILE}{borrowed}", problems)
    )
    faq_report = (
        files[FAQ_FILE][1]
        if FAQ_FILE in files
        else Problems(f"{label}/{FAQ_FILE}{borrowed}", problems)
    )
    tips = tuple(parse_tips(*files[TIPS_FILE])) if TIPS_FILE in files else None
    faqs = tuple(parse_faqs(*files[FAQ_FILE])) if FAQ_FILE in files else None
    messages: Mapping[str, str] | None = None
    commands: Mapping[str, str] | None = None
    if MESSAGES_FILE in files:
        messages, commands = parse_messages(*files[MESSAGES_FILE])
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
    report = Problems(f"{label}/{SAFETY_FILE}", problems)
    safety = parse_safety(read_yaml(path, report), report.add)
    _safety_problems(safety, report)
    return safety


def _language_safety(
    folder: Path, shared: SafetyContent, problems: list[ContentProblem]
) -> SafetyContent:
    """A language's own crisis reply (<lang>/safety.yaml), or the shared one without it."""
    path = folder / SAFETY_FILE
    if not path.exists():
        return shared
    report = Problems(f"{folder.name}/{SAFETY_FILE}", problems)
    safety = parse_safety(read_yaml(path, report), report.add)
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
    report = Problems(f"{code}/{LANGUAGE_FILE}", problems)
    data = read_yaml(directory / LANGUAGE_FILE, report)
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
    report: Problems,
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
                    Problems(f"{code}/{MESSAGES_FILE}", problems),
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
