"""Recognising a message that clearly asks one of the FAQs."""

import pytest

from nudgebot.domain.faq_match import match_faq

KEYWORDS = {
    1: ["microbiome", "mental health", "mood", "affect"],
    2: ["food", "eat", "diet", "best foods"],
    3: ["gut-brain axis", "axis", "vagus nerve"],
    4: ["sign", "imbalance", "dysbiosis", "bloating"],
    5: ["how long", "take to improve", "improve"],
}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("What is the gut-brain axis?", 3),
        ("what is the gut brain axis", 3),
        ("How long does it take to improve my gut?", 5),
        ("Which foods are best?", 2),
        ("What are the signs of imbalance?", 4),
        ("is bloating a sign of dysbiosis", 4),
        ("How does the microbiome affect mental health?", 1),
        ("What’s the vagus nerve", 3),
        ("WHAT SHOULD I EAT?", 2),
    ],
)
def test_clear_questions_match_their_faq(text: str, number: int) -> None:
    assert match_faq(text, KEYWORDS) == number


@pytest.mark.parametrize(
    "text",
    [
        "ate kimchi today",
        "did it!",
        "had a big bowl of food for the microbiome",
        "bloating again today",
        "",
    ],
)
def test_check_in_notes_are_not_questions(text: str) -> None:
    assert match_faq(text, KEYWORDS) is None


def test_question_without_keywords_matches_nothing() -> None:
    assert match_faq("How are you?", KEYWORDS) is None


def test_question_hitting_two_faqs_equally_matches_nothing() -> None:
    assert match_faq("What should I eat to improve my mood?", KEYWORDS) is None


def test_keywords_match_whole_words_only() -> None:
    assert match_faq("is it seafood?", {2: ["food"]}) is None


def test_plural_matches_singular_keyword() -> None:
    assert match_faq("any probiotics worth it?", {7: ["probiotic"]}) == 7


def test_accents_and_case_do_not_matter() -> None:
    assert match_faq("Qué es el MICROBIOMA?", {1: ["microbioma", "que"]}) == 1


def test_no_faqs_matches_nothing() -> None:
    assert match_faq("what is the gut-brain axis?", {}) is None
