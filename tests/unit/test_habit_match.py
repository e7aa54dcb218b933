"""Free-text notes matched to the habits they mention, with negation."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nudgebot.content.loader import load_content
from nudgebot.content.model import Content
from nudgebot.domain.habit_match import HabitMatcher, HabitMention, stem
from nudgebot.domain.replies import Outcome

CONTENT: Content = load_content()
MATCHER = HabitMatcher({tip.id: tip.keywords for tip in CONTENT.tips})
DONE, SKIPPED = Outcome.DONE, Outcome.SKIPPED


def found(text: str, prefer: str | None = None) -> list[tuple[str, Outcome]]:
    return [(m.tip_id, m.outcome) for m in MATCHER.match(text, prefer=prefer)]


def test_two_habits_in_one_sentence_are_both_found() -> None:
    assert found("had kimchi and walked 20 min") == [("fermented", DONE), ("movement", DONE)]


@pytest.mark.parametrize("text", ["walked", "walking", "walks", "Walked!", "went for a WALK"])
def test_word_forms_of_a_keyword_match(text: str) -> None:
    assert found(text) == [("movement", DONE)]


def test_a_negated_habit_is_not_done() -> None:
    assert found("didn't walk today") == [("movement", SKIPPED)]


def test_negation_ends_at_the_clause() -> None:
    assert found("didn't walk, but had kimchi") == [("movement", SKIPPED), ("fermented", DONE)]


def test_a_double_negative_is_done() -> None:
    assert found("didn't skip my walk") == [("movement", DONE)]


def test_a_keyword_phrase_with_a_negation_in_it_is_a_good_thing() -> None:
    assert found("no soda today") == [("whole-foods", DONE)]


def test_a_keyword_inside_another_word_does_not_match() -> None:
    assert found("the walkie-talkie and a kimchistan sign") == []


def test_a_shared_keyword_goes_to_the_tip_being_answered() -> None:
    assert found("had yogurt", prefer="pro-prebiotics") == [("pro-prebiotics", DONE)]
    assert found("had yogurt") == [("fermented", DONE)]


def test_text_without_a_habit_matches_nothing() -> None:
    assert found("done, loved it") == []


def test_stemming_brings_forms_together() -> None:
    assert stem("jogged") == stem("jog") == stem("jogging")
    assert stem("berries") == stem("berry")
    assert stem("glasses") == stem("glass")


ALL_KEYWORDS = sorted({(tip.id, word) for tip in CONTENT.tips for word in tip.keywords})
filler = st.sampled_from(["today", "with lunch", "this morning", "a bit", "20 min", "again"])


@given(st.sampled_from(ALL_KEYWORDS), filler, filler)
def test_every_keyword_is_found_as_done_with_any_words_around_it(
    pair: tuple[str, str], before: str, after: str
) -> None:
    tip_id, word = pair
    mentions = MATCHER.match(f"{before} {word} {after}", prefer=tip_id)
    assert HabitMention(tip_id, DONE) in mentions


@given(st.text(max_size=80))
def test_matches_are_unique_and_only_known_habits(text: str) -> None:
    mentions = MATCHER.match(text)
    ids = [m.tip_id for m in mentions]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(CONTENT.tip_ids)


@given(st.sampled_from(ALL_KEYWORDS))
def test_case_and_punctuation_do_not_change_a_match(pair: tuple[str, str]) -> None:
    _, word = pair
    assert MATCHER.match(word.upper() + "!!") == MATCHER.match(word)


@given(st.sampled_from([(t, w) for t, w in ALL_KEYWORDS if not re.search(r"\bno\b|not", w)]))
def test_not_before_a_keyword_makes_it_skipped(pair: tuple[str, str]) -> None:
    tip_id, word = pair
    assert HabitMention(tip_id, SKIPPED) in MATCHER.match(f"did not {word}", prefer=tip_id)


GERMAN = HabitMatcher(
    {
        tip.id: (*tip.keywords, *CONTENT.for_language("de").tip(tip.id).keywords)
        for tip in CONTENT.tips
    }
)


def found_in_german(text: str) -> list[tuple[str, Outcome]]:
    return [(m.tip_id, m.outcome) for m in GERMAN.match(text)]


def test_a_german_note_is_understood() -> None:
    assert found_in_german("Kimchi gegessen und eine Runde gelaufen") == [
        ("fermented", DONE),
        ("movement", DONE),
    ]


@pytest.mark.parametrize(
    "text",
    ["Heute nicht gelaufen", "bin nie gelaufen", "keinen Sport gemacht", "Sport ausgelassen"],
)
def test_a_negated_german_habit_is_not_done(text: str) -> None:
    assert found_in_german(text) == [("movement", SKIPPED)]


def test_a_skip_word_after_the_habit_means_not_done() -> None:
    assert found("yoga skipped today") == [("movement", SKIPPED)]
    assert found("had kimchi, yoga missed") == [("fermented", DONE), ("movement", SKIPPED)]


def test_a_german_negation_ends_at_the_clause() -> None:
    assert found_in_german("nicht gelaufen, aber Kimchi gegessen") == [
        ("movement", SKIPPED),
        ("fermented", DONE),
    ]


def test_a_german_keyword_phrase_with_a_negation_in_it_is_a_good_thing() -> None:
    assert found_in_german("heute kein Zucker") == [("whole-foods", DONE)]


def test_german_words_with_umlauts_match_whole() -> None:
    assert found_in_german("viel Gemüse") == [("fiber", DONE)]
    assert found_in_german("Gemüsebrühe") == []
