"""Specification of the content files and their loader (nudgebot.content.model)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from nudgebot.content.languages import DEFAULT_LANGUAGE
from nudgebot.content.loader import check_content, load_content
from nudgebot.content.model import Content, Tip
from nudgebot.content.paths import DEFAULT_CONTENT_DIR
from nudgebot.content.problems import ContentError, ContentProblem
from nudgebot.content.schema import MESSAGE_PLACEHOLDERS, REQUIRED_COMMANDS, REQUIRED_MESSAGES
from nudgebot.content.telegram_html import visible_text

TIP_IDS = (
    "fiber",
    "fermented",
    "whole-foods",
    "hydration",
    "sleep",
    "movement",
    "stress",
    "antibiotics",
    "nature",
    "connection",
    "pro-prebiotics",
    "consistency",
)


class TelegramHtmlChecker(HTMLParser):
    """An independent check of Telegram's HTML parse mode, built on the stdlib parser."""

    allowed = frozenset({"b", "i", "u", "s", "code", "a"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open_tags: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.allowed:
            self.errors.append(f"tag <{tag}>")
        expected = ["href"] if tag == "a" else []
        if [name for name, _ in attrs] != expected:
            self.errors.append(f"attributes on <{tag}>")
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        self.errors.extend(f"raw {char!r}" for char in "<>&" if char in data)

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.errors.append(f"entity &{name};")


def html_errors(text: str) -> list[str]:
    checker = TelegramHtmlChecker()
    checker.feed(text)
    checker.close()
    return checker.errors + [f"unclosed <{tag}>" for tag in checker.open_tags]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "content"
    # One language folder alone: the flat layout, read as English.
    shutil.copytree(DEFAULT_CONTENT_DIR / DEFAULT_LANGUAGE, directory)
    return directory


def edit_yaml(path: Path, change: Callable[[dict[str, object]], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def first_tip(data: dict[str, object]) -> dict[str, object]:
    tips = data["tips"]
    assert isinstance(tips, list)
    tip = tips[0]
    assert isinstance(tip, dict)
    return tip


def edit_messages(directory: Path, **changes: str) -> None:
    edit_yaml(directory / "messages.yaml", lambda data: data.update(changes))


# --- The real content ----------------------------------------------------------------------


def test_real_content_has_no_problems() -> None:
    assert check_content() == []


def test_tips_come_in_the_documented_rotation_order(content: Content) -> None:
    assert content.tip_ids == TIP_IDS


def test_tip_numbers_follow_the_file_order(content: Content) -> None:
    assert [tip.number for tip in content.tips] == list(range(1, 13))


def test_tip_by_number_finds_the_first_and_last_tip(content: Content) -> None:
    first, last = content.tip_by_number(1), content.tip_by_number(12)
    assert (first and first.id, last and last.id) == ("fiber", "consistency")


@pytest.mark.parametrize("number", [0, 13, -1])
def test_tip_by_number_outside_the_list_is_none(content: Content, number: int) -> None:
    assert content.tip_by_number(number) is None


def test_tip_lookup_by_id_returns_that_tip(content: Content) -> None:
    assert content.tip("sleep").number == 5


def test_tip_lookup_by_unknown_id_raises_key_error(content: Content) -> None:
    with pytest.raises(KeyError):
        content.tip("chocolate")


def test_there_are_five_faqs_numbered_one_to_five(content: Content) -> None:
    assert [faq.number for faq in content.faqs] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("number", [0, 6])
def test_faq_outside_one_to_five_is_none(content: Content, number: int) -> None:
    assert content.faq(number) is None


def test_faq_labels_fit_a_button(content: Content) -> None:
    assert all(len(faq.label) <= 30 for faq in content.faqs)


def test_fermented_tip_is_recognised_by_kimchi_and_kefir(content: Content) -> None:
    assert {"kimchi", "kefir"} <= set(content.tip("fermented").keywords)


def test_movement_tip_is_recognised_by_walked_and_yoga(content: Content) -> None:
    assert {"walked", "yoga"} <= set(content.tip("movement").keywords)


def test_gut_brain_axis_faq_is_recognised_by_vagus(content: Content) -> None:
    assert "vagus" in content.faq_keywords()[3]


def test_keywords_are_lowercase(content: Content) -> None:
    groups = [tip.keywords for tip in content.tips] + [faq.keywords for faq in content.faqs]
    words = [word for group in groups for word in group]
    assert all(word == word.casefold() for word in words)


@pytest.mark.parametrize("tip_id", TIP_IDS)
def test_daily_tip_reads_in_under_thirty_seconds(content: Content, tip_id: str) -> None:
    rendered = content.render_tip(content.tip(tip_id))
    assert len(visible_text(rendered)) <= 600


@pytest.mark.parametrize("footer", ["tip_invite", "tip_on_demand_note"])
@pytest.mark.parametrize("tip_id", TIP_IDS)
def test_rendered_tip_is_valid_telegram_html(content: Content, tip_id: str, footer: str) -> None:
    rendered = content.render_tip(content.tip(tip_id), footer_key=footer)
    assert html_errors(rendered) == []
    assert len(rendered) <= 4096


def test_rendered_tip_has_bold_title_why_try_this_and_footer(content: Content) -> None:
    tip = content.tip("hydration")
    parts = content.render_tip(tip).split("\n\n")
    assert parts[0] == f"<b>{tip.title}</b>"
    assert parts[1] == tip.why
    assert parts[2].endswith(tip.try_this)
    assert parts[3] == content.text("tip_invite")


def test_on_demand_tip_ends_with_the_on_demand_note(content: Content) -> None:
    rendered = content.render_tip(content.tip("sleep"), footer_key="tip_on_demand_note")
    assert rendered.endswith(content.text("tip_on_demand_note"))


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_rendered_faq_is_valid_telegram_html(content: Content, number: int) -> None:
    faq = content.faq(number)
    assert faq is not None
    rendered = content.render_faq(faq)
    assert html_errors(rendered) == []
    assert len(rendered) <= 4096


def test_rendered_faq_ends_with_the_not_medical_advice_footer(content: Content) -> None:
    faq = content.faq(4)
    assert faq is not None
    assert content.render_faq(faq).endswith(content.text("faq_footer"))


def test_tips_list_shows_every_tip_numbered(content: Content) -> None:
    rendered = content.render_tips_list()
    assert html_errors(rendered) == []
    assert all(f"\n{tip.number}. {tip.title}" in rendered for tip in content.tips)


@pytest.mark.parametrize("key", REQUIRED_MESSAGES)
def test_message_formats_with_its_documented_placeholders(content: Content, key: str) -> None:
    values = dict.fromkeys(MESSAGE_PLACEHOLDERS[key], "Sample value")
    rendered = content.text(key, **values)
    assert rendered.strip()
    assert html_errors(rendered) == []


def test_messages_file_has_exactly_the_required_keys(content: Content) -> None:
    assert set(content.messages) == set(REQUIRED_MESSAGES)


def test_disclaimer_is_one_line(content: Content) -> None:
    assert "\n" not in content.text("disclaimer")


def test_help_mentions_every_command(content: Content) -> None:
    assert all(f"/{command}" in content.text("help") for command in REQUIRED_COMMANDS)


def test_every_command_has_a_menu_description_within_telegram_limits(content: Content) -> None:
    assert set(content.commands) == set(REQUIRED_COMMANDS)
    assert all(0 < len(text) <= 256 for text in content.commands.values())


# --- Escaping ------------------------------------------------------------------------------


def test_values_in_messages_are_html_escaped(content: Content) -> None:
    rendered = content.text("checkin_done", streak="<script>&", best="1 day")
    assert "&lt;script&gt;&amp;" in rendered
    assert "<script>" not in rendered


def test_tip_text_is_html_escaped_when_rendered(content: Content) -> None:
    tip = Tip("x", 1, "Fish & <chips>", "Why", "Try", ("fish",))
    assert "<b>Fish &amp; &lt;chips&gt;</b>" in content.render_tip(tip)


# --- Broken content is reported with file, item and reason ---------------------------------


def test_missing_why_is_reported(content_copy: Path) -> None:
    edit_yaml(content_copy / "tips.yaml", lambda data: first_tip(data).pop("why"))
    assert check_content(content_copy) == [
        ContentProblem("content/tips.yaml", "tip fiber", "why is missing")
    ]


def test_empty_why_is_reported(content_copy: Path) -> None:
    edit_yaml(content_copy / "tips.yaml", lambda data: first_tip(data).update(why="  "))
    assert check_content(content_copy) == [
        ContentProblem("content/tips.yaml", "tip fiber", "why is empty")
    ]


def test_duplicate_tip_id_is_reported(content_copy: Path) -> None:
    def duplicate(data: dict[str, object]) -> None:
        tips = data["tips"]
        assert isinstance(tips, list)
        tips[1]["id"] = "fiber"

    edit_yaml(content_copy / "tips.yaml", duplicate)
    assert check_content(content_copy) == [
        ContentProblem("content/tips.yaml", "tip fiber", "duplicate id 'fiber'")
    ]


def test_id_that_is_not_a_slug_is_reported(content_copy: Path) -> None:
    edit_yaml(content_copy / "tips.yaml", lambda data: first_tip(data).update(id="Fiber Tip"))
    [problem] = check_content(content_copy)
    assert (problem.item, problem.reason.split(" (")[0]) == (
        "tip Fiber Tip",
        "id 'Fiber Tip' is not a slug",
    )


def test_tip_too_long_to_read_in_thirty_seconds_is_reported(content_copy: Path) -> None:
    edit_yaml(content_copy / "tips.yaml", lambda data: first_tip(data).update(why="word " * 120))
    problems = check_content(content_copy)
    assert problems
    assert all(p.item == "tip fiber" and "visible characters" in p.reason for p in problems)


def test_faq_number_out_of_order_is_reported(content_copy: Path) -> None:
    def swap(data: dict[str, object]) -> None:
        faqs = data["faqs"]
        assert isinstance(faqs, list)
        faqs[1]["number"] = 7

    edit_yaml(content_copy / "faq.yaml", swap)
    [problem] = check_content(content_copy)
    assert (problem.file, problem.item) == ("content/faq.yaml", "faq best-foods")
    assert problem.reason.startswith("number 7 is out of order: expected 2")


def test_faq_label_longer_than_a_button_is_reported(content_copy: Path) -> None:
    def lengthen(data: dict[str, object]) -> None:
        faqs = data["faqs"]
        assert isinstance(faqs, list)
        faqs[0]["label"] = "x" * 31

    edit_yaml(content_copy / "faq.yaml", lengthen)
    assert check_content(content_copy) == [
        ContentProblem("content/faq.yaml", "faq gut-and-mood", "label is 31 characters; at most 30")
    ]


def test_bad_html_in_a_message_is_reported(content_copy: Path) -> None:
    edit_messages(content_copy, welcome="Hi {name} <b>fish & chips")
    reasons = [p.reason for p in check_content(content_copy) if p.item == "message welcome"]
    assert reasons == [
        "HTML: unescaped '&' (write &amp;)",
        "HTML: <b> is never closed",
    ]


def test_tag_telegram_does_not_support_is_reported(content_copy: Path) -> None:
    edit_messages(content_copy, stopped="Bye <br> now")
    [problem] = check_content(content_copy)
    assert (problem.item, problem.reason) == ("message stopped", "HTML: tag <br> is not allowed")


def test_unknown_placeholder_is_reported(content_copy: Path) -> None:
    edit_messages(content_copy, welcome="Hi {nmae}")
    [problem] = check_content(content_copy)
    assert (problem.file, problem.item) == ("content/messages.yaml", "message welcome")
    assert problem.reason == "unknown placeholder {nmae} (allowed: {name})"


def test_broken_braces_are_reported(content_copy: Path) -> None:
    edit_messages(content_copy, welcome="Hi {name")
    [problem] = check_content(content_copy)
    assert problem.item == "message welcome"
    assert problem.reason.startswith("broken braces")


def test_missing_message_key_is_reported(content_copy: Path) -> None:
    edit_yaml(content_copy / "messages.yaml", lambda data: data.pop("help"))
    assert check_content(content_copy) == [
        ContentProblem("content/messages.yaml", "message help", "is missing")
    ]


def test_misspelled_message_key_is_reported(content_copy: Path) -> None:
    edit_messages(content_copy, welcom="Hi")
    assert check_content(content_copy) == [
        ContentProblem(
            "content/messages.yaml",
            "message welcom",
            "is not a known message key (see MESSAGE_PLACEHOLDERS)",
        )
    ]


def test_missing_command_description_is_reported(content_copy: Path) -> None:
    def drop(data: dict[str, object]) -> None:
        commands = data["commands"]
        assert isinstance(commands, dict)
        del commands["faq"]

    edit_yaml(content_copy / "messages.yaml", drop)
    assert check_content(content_copy) == [
        ContentProblem("content/messages.yaml", "command faq", "is missing")
    ]


def test_missing_file_is_reported(content_copy: Path) -> None:
    (content_copy / "faq.yaml").unlink()
    assert check_content(content_copy) == [
        ContentProblem("content/faq.yaml", "", "file is missing")
    ]


def test_invalid_yaml_is_reported(content_copy: Path) -> None:
    (content_copy / "tips.yaml").write_text("tips: [\n  - id: fiber\n", encoding="utf-8")
    [problem] = check_content(content_copy)
    assert (problem.file, problem.item) == ("content/tips.yaml", "")
    assert problem.reason.startswith("invalid YAML")


def test_keyword_yaml_reads_as_a_boolean_is_reported(content_copy: Path) -> None:
    edit_yaml(content_copy / "tips.yaml", lambda data: first_tip(data).update(keywords=[True]))
    [problem] = check_content(content_copy)
    assert (problem.item, problem.reason) == (
        "tip fiber",
        "keyword True must be non-empty text (quote it)",
    )


def test_load_content_raises_listing_every_problem(content_copy: Path) -> None:
    edit_yaml(content_copy / "tips.yaml", lambda data: first_tip(data).pop("why"))
    edit_yaml(content_copy / "messages.yaml", lambda data: data.pop("help"))
    with pytest.raises(ContentError) as raised:
        load_content(content_copy)
    assert str(raised.value).splitlines() == [
        "content/tips.yaml: tip fiber: why is missing",
        "content/messages.yaml: message help: is missing",
    ]
    assert len(raised.value.problems) == 2


def test_problem_reads_as_file_item_reason() -> None:
    problem = ContentProblem("content/tips.yaml", "tip fiber", "why is empty")
    assert str(problem) == "content/tips.yaml: tip fiber: why is empty"


# --- The progress picture's words ----------------------------------------------------------


def test_every_tip_has_a_short_label_for_the_picture(content: Content) -> None:
    assert all(tip.short and tip.short.isascii() for tip in content.tips)


def test_a_tip_without_short_is_labelled_from_its_id() -> None:
    tip = Tip("whole-foods", 1, "Title", "Why", "Try", ("food",))
    assert tip.label == "Whole foods"


def test_a_short_label_too_long_for_the_picture_is_reported(content_copy: Path) -> None:
    edit_yaml(
        content_copy / "tips.yaml", lambda data: first_tip(data).update(short="Fiber, every day")
    )
    assert check_content(content_copy) == [
        ContentProblem("content/tips.yaml", "tip fiber", "short is 16 characters; at most 14")
    ]


def test_a_short_label_with_emoji_is_reported(content_copy: Path) -> None:
    edit_yaml(content_copy / "tips.yaml", lambda data: first_tip(data).update(short="🥦 Fiber"))
    [problem] = check_content(content_copy)
    assert problem.reason.startswith("short must be plain letters")


def test_a_list_message_with_the_wrong_count_is_reported(content_copy: Path) -> None:
    edit_messages(content_copy, picture_weekdays="Mon,Tue,Wed")
    assert check_content(content_copy) == [
        ContentProblem(
            "content/messages.yaml",
            "message picture_weekdays",
            "must be 7 names separated by commas",
        )
    ]
