"""Content in several languages: loading, fallback to English, and what the check reports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from nudgebot.content.languages import base_code
from nudgebot.content.loader import check_content, load_content
from nudgebot.content.model import Content
from nudgebot.content.paths import DEFAULT_CONTENT_DIR
from nudgebot.content.problems import ContentError, ContentProblem
from nudgebot.content.schema import REQUIRED_MESSAGES
from nudgebot.domain.humanize import Wording, count_days, describe_next

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    return root


def edit(path: Path, change: Callable[[dict[str, object]], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def messages_only(tree: Path) -> Path:
    """German with only its messages translated, declared as such: tips and FAQs fall back."""
    (tree / "de" / "tips.yaml").unlink()
    (tree / "de" / "faq.yaml").unlink()
    edit(
        tree / "de" / "language.yaml",
        lambda data: data.update(covers=["messages.yaml"], complete=False),
    )
    return tree


# --- The real content ----------------------------------------------------------------------


def test_english_comes_first_then_german(content: Content) -> None:
    assert [(lang.code, lang.native_name) for lang in content.languages] == [
        ("en", "English"),
        ("de", "Deutsch"),
    ]


def test_english_and_german_are_both_complete(content: Content) -> None:
    assert [(lang.complete, lang.falls_back) for lang in content.languages] == [
        (True, ()),
        (True, ()),
    ]


def test_german_has_every_message_in_its_own_words(content: Content) -> None:
    german = content.for_language("de")
    assert set(german.messages) == set(REQUIRED_MESSAGES)
    # Button labels and commands are where a forgotten copy of the English would show.
    assert german.text("button_done") != content.text("button_done")
    assert set(german.commands) == set(content.commands)
    assert german.commands["help"] != content.commands["help"]


def test_german_tips_and_faqs_keep_the_english_ids_and_order(content: Content) -> None:
    german = content.for_language("de")
    assert german.tip_ids == content.tip_ids
    assert [(f.number, f.id) for f in german.faqs] == [(f.number, f.id) for f in content.faqs]
    assert german.tips[0].title != content.tips[0].title


def test_a_language_marked_messages_only_reads_tips_and_faqs_from_english(
    messages_only: Path,
) -> None:
    english = load_content(messages_only)
    german = english.for_language("de")
    assert german.info.falls_back == ("tips.yaml", "faq.yaml")
    assert not german.info.complete
    assert german.tips == english.tips
    assert german.faqs == english.faqs
    # The English tip is still framed by German words.
    assert german.text("tip_invite") in german.render_tip(german.tips[0])


@pytest.mark.parametrize(
    ("code", "expected"),
    [("de", "de"), ("de-AT", "de"), ("DE_ch", "de"), ("en-GB", "en"), ("fr", "en"), (None, "en")],
)
def test_for_language_picks_the_base_language_or_english(
    content: Content, code: str | None, expected: str
) -> None:
    assert content.for_language(code).language == expected


@pytest.mark.parametrize("typed", ["de", "DE", "de-AT", "Deutsch", "german", " deutsch "])
def test_a_language_is_found_by_code_or_name(content: Content, typed: str) -> None:
    found = content.find_language(typed)
    assert found is not None
    assert found.code == "de"


@pytest.mark.parametrize("typed", ["klingon", "fr", "d", "deutschland"])
def test_a_language_the_content_does_not_have_is_not_found(content: Content, typed: str) -> None:
    assert content.find_language(typed) is None


@pytest.mark.parametrize(("code", "base"), [("pt-BR", "pt"), ("", None), ("x-klingon", None)])
def test_base_code_reduces_an_ietf_tag_to_its_language(code: str, base: str | None) -> None:
    assert base_code(code) == base


# --- Validation across languages ------------------------------------------------------------


def test_a_message_missing_from_german_is_an_error_naming_file_and_id(tree: Path) -> None:
    edit(tree / "de" / "messages.yaml", lambda data: data.pop("help"))
    assert check_content(tree) == [ContentProblem("de/messages.yaml", "message help", "is missing")]


def test_a_command_english_has_but_german_lacks_is_an_error(tree: Path) -> None:
    def add_about(data: dict[str, object]) -> None:
        commands = data["commands"]
        assert isinstance(commands, dict)
        commands["about"] = "What this bot is"

    edit(tree / "en" / "messages.yaml", add_about)
    assert check_content(tree) == [
        ContentProblem("de/messages.yaml", "command about", "is missing (the en content has it)")
    ]


def test_a_covered_file_that_is_missing_is_an_error_not_a_fallback(tree: Path) -> None:
    (tree / "de" / "faq.yaml").unlink()
    problems = check_content(tree)
    assert ContentProblem("de/faq.yaml", "", "file is missing") in problems


def test_a_translated_file_the_language_does_not_declare_is_reported(
    messages_only: Path,
) -> None:
    shutil.copy(messages_only / "en" / "faq.yaml", messages_only / "de" / "faq.yaml")
    assert check_content(messages_only) == [
        ContentProblem("de/faq.yaml", "", "is here but language.yaml does not list it in covers")
    ]


def test_translated_tips_are_used_for_that_language(tree: Path) -> None:
    edit(tree / "de" / "tips.yaml", lambda data: data["tips"][0].update(title="Ballaststoffe"))  # type: ignore[index]
    content = load_content(tree)
    assert content.for_language("de").tips[0].title == "Ballaststoffe"
    assert content.tips[0].title != "Ballaststoffe"


def test_translated_tips_must_have_exactly_the_english_ids(tree: Path) -> None:
    edit(tree / "de" / "tips.yaml", lambda data: data["tips"].pop())  # type: ignore[attr-defined]
    assert check_content(tree) == [
        ContentProblem("de/tips.yaml", "tip consistency", "is missing (the en content has it)")
    ]


def test_complete_must_agree_with_covers(tree: Path) -> None:
    edit(tree / "de" / "language.yaml", lambda data: data.update(complete=False))
    assert check_content(tree) == [
        ContentProblem("de/language.yaml", "complete", "says false, but covers every file")
    ]


def test_complete_true_with_a_file_left_out_names_the_file(messages_only: Path) -> None:
    edit(messages_only / "de" / "language.yaml", lambda data: data.update(complete=True))
    [problem] = check_content(messages_only)
    assert (problem.file, problem.item) == ("de/language.yaml", "complete")
    assert "tips.yaml" in problem.reason


def test_english_must_cover_every_file(tree: Path) -> None:
    edit(
        tree / "en" / "language.yaml",
        lambda data: data.update(covers=["messages.yaml"], complete=False),
    )
    problems = check_content(tree)
    assert (
        ContentProblem("en/language.yaml", "covers", "the default language must cover every file")
        in problems
    )


def test_a_language_folder_without_language_yaml_is_an_error(tree: Path) -> None:
    (tree / "de" / "language.yaml").unlink()
    assert check_content(tree) == [ContentProblem("de/language.yaml", "", "file is missing")]


def test_load_refuses_content_with_an_untranslated_message(tree: Path) -> None:
    edit(tree / "de" / "messages.yaml", lambda data: data.pop("stopped"))
    with pytest.raises(ContentError, match=r"de/messages\.yaml: message stopped: is missing"):
        load_content(tree)


def test_a_new_language_folder_needs_only_language_yaml_and_messages(tree: Path) -> None:
    (tree / "nl").mkdir()
    shutil.copy(tree / "de" / "messages.yaml", tree / "nl" / "messages.yaml")
    (tree / "nl" / "language.yaml").write_text(
        "name: Dutch\nnative_name: Nederlands\ncomplete: false\ncovers: [messages.yaml]\n",
        encoding="utf-8",
    )
    content = load_content(tree)
    assert [lang.code for lang in content.languages] == ["en", "de", "nl"]
    assert content.for_language("nl-BE").language == "nl"


# --- Dates, durations and day counts in each language ---------------------------------------


def test_german_words_for_the_next_tip(content: Content) -> None:
    now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday, 07:00 in Berlin
    words = content.for_language("de").wording
    assert describe_next(now, now + timedelta(hours=20), BERLIN, words) == (
        "morgen um 03:00 (Europe/Berlin), in 20 Std."
    )
    assert describe_next(now, now + timedelta(days=3, hours=2), BERLIN, words) == (
        "Do., 5. März um 09:00 (Europe/Berlin), in 3 Tagen"
    )


def test_english_words_from_the_content_match_the_built_in_english(content: Content) -> None:
    assert content.wording == Wording()


@pytest.mark.parametrize(("days", "expected"), [(1, "1 Tag"), (2, "2 Tage"), (0, "0 Tage")])
def test_german_counts_days(content: Content, days: int, expected: str) -> None:
    assert count_days(days, content.for_language("de").wording) == expected


def test_a_weekday_list_without_seven_names_is_reported(tree: Path) -> None:
    edit(tree / "de" / "messages.yaml", lambda data: data.update(when_weekdays="Mo Di Mi"))
    assert check_content(tree) == [
        ContentProblem(
            "de/messages.yaml", "message when_weekdays", "must be 7 words separated by spaces"
        )
    ]


def test_a_flat_folder_is_english_alone(tree: Path) -> None:
    flat = load_content(tree / "en")
    assert [lang.code for lang in flat.languages] == ["en"]
    assert flat.for_language("de") is flat
