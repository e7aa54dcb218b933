"""The crisis detector's fast paths give exactly what their plain definitions give."""

from __future__ import annotations

import re
import string

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from nudgebot.domain.crisis import _COMPILER, _RULES, encode
from nudgebot.domain.crisis.rules import GUARDS, RULES
from nudgebot.domain.crisis.spelling import MIN_LENGTH, REAL_WORDS, TWO_EDITS, Speller
from nudgebot.domain.crisis.text import (
    _FIRST_WORDS,
    _MANY,
    _NUMBER,
    _PAIRS,
    _PREFIXES,
    _SPACED,
    _joined,
    _without_runs,
)
from tests.unit.test_crisis import DATA

# The patterns as first written: a lookbehind first, tried at every character.
_PLAIN_NUMBER = r"(?<![a-z0-9@$])[0-9][0-9.,]*(?=(?:kms?|k|mi|mins?|h|hrs?|kg|x)?(?![a-z0-9@$]))"
_PLAIN_MANY = _PLAIN_NUMBER.replace("[0-9][0-9.,]*", "[0-9]{2,}[0-9.,]*")
_PLAIN_SPACED = r"\b[a-z](?:[ .][a-z]\b){2,}"
_NUMBERISH = st.text(alphabet="0123456789.,kmsihrgx@$ a-\n", max_size=60)
_ASCII = st.text(alphabet=string.printable + "\x00\x7f", max_size=80)


@given(_NUMBERISH)
def test_numbers_are_found_where_the_lookbehind_first_patterns_find_them(text: str) -> None:
    assert _NUMBER.sub("%", text) == re.sub(_PLAIN_NUMBER, "%", text)
    assert _MANY.sub("%%", text) == re.sub(_PLAIN_MANY, "%%", text)


@given(st.text(alphabet="abk .|,'x1", max_size=60))
def test_spaced_letters_are_joined_as_the_pattern_starting_at_a_letter_joins_them(
    text: str,
) -> None:
    def joined(match: re.Match[str]) -> str:
        return match.group(0).replace(" ", "").replace(".", "")

    assert _SPACED.sub(joined, text) == re.sub(_PLAIN_SPACED, joined, text)


@given(st.one_of(_ASCII, st.text(alphabet="aabbzZ \x00", max_size=80)))
def test_letter_runs_are_dropped_as_the_run_pattern_drops_them(text: str) -> None:
    assert _without_runs(text) == re.sub(r"([a-z])\1+", r"\1", text)


def test_letter_runs_are_dropped_from_every_pair_and_run_of_ascii_characters() -> None:
    ascii_ = [chr(code) for code in range(128)]
    text = " ".join([first + second for first in ascii_ for second in ascii_] + ["b" * 3000])
    assert _without_runs(text) == re.sub(r"([a-z])\1+", r"\1", text)


def _joined_by_rescanning(words: list[str]) -> list[str]:
    """Every pair tried again after each pass, as the words were first joined."""
    starts = [i for i, word in enumerate(words[:-1]) if word in _FIRST_WORDS]
    out: list[str] = []
    done = 0
    for i in starts:
        if i < done:
            continue
        joined = _PAIRS.get((words[i], words[i + 1]))
        if joined is None and words[i + 1].startswith(_PREFIXES.get(words[i], ("\0",))):
            joined = ("self" if words[i] == "slef" else words[i]) + words[i + 1]
        if joined is None:
            continue
        out += [*words[done:i], joined]
        done = i + 2
    if not out:
        return words
    return _joined_by_rescanning([*out, *words[done:]]) if done < len(words) else out


_JOINABLE = sorted(
    {word for pair in _PAIRS for word in pair}
    | set(_PAIRS.values())
    | set(_PREFIXES)
    | {"harm", "injure", "alive", "slide", "mord", "of", "front", "x"}
)


@given(st.lists(st.sampled_from(_JOINABLE), max_size=14))
def test_words_are_joined_as_rescanning_every_pair_joins_them(words: list[str]) -> None:
    assert _joined(list(words)) == _joined_by_rescanning(list(words))


def test_chained_joins_read_the_same_as_when_every_pair_was_rescanned() -> None:
    words = ["i", "am", "in", "front", "of", "my", "self", "harm", "in", "front", "of"]
    expected = ["i", "am", "infrontof", "myself", "harm", "infrontof"]
    assert _joined(words) == _joined_by_rescanning(words) == expected


def _variants(word: str, letters: str) -> set[str]:
    """Every word one edit (insert, delete, substitute, swap neighbours) from `word`."""
    out = {word}
    for i in range(len(word) + 1):
        for letter in letters:
            out.add(word[:i] + letter + word[i:])
            if i < len(word):
                out.add(word[:i] + letter + word[i + 1 :])
        if i < len(word):
            out.add(word[:i] + word[i + 1 :])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return out


@pytest.mark.parametrize("target", sorted(TWO_EDITS | {"overdose", "suizid", "unalive"}))
def test_every_word_within_reach_of_a_key_word_is_corrected_as_a_full_scan_would(
    target: str,
) -> None:
    speller = Speller()
    edits = 2 if target in TWO_EDITS else 1
    letters = target[0] + target[1] + target[-1] + "q*"
    words = _variants(target, letters)
    if edits == 2:
        words = {far for near in words for far in _variants(near, letters)}
    expected: dict[str, str] = {}
    for (length, allowed), targets in speller._groups.items():
        for key in targets:
            for word in sorted(words):
                if (
                    len(word) >= MIN_LENGTH
                    and word not in REAL_WORDS
                    and "*" not in word
                    and abs(len(word) - length) <= allowed
                    and OSA.distance(key, word) <= allowed
                ):
                    expected.setdefault(word, key)
    assert speller.corrections(words) == expected
    assert target in expected


def _labelled() -> list[str]:
    texts: list[str] = []
    for name in ("tune", "holdout"):
        part = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
        texts += [text for side in part.values() for group in side.values() for text in group]
    return texts


def test_a_rule_that_matches_finds_every_word_it_needs_in_the_message() -> None:
    matched = 0
    for text in _labelled():
        codes = encode(text)
        for (_, pattern, anchor, needs), rule in zip(
            _RULES, [rule for rules in RULES.values() for rule in rules], strict=True
        ):
            if pattern.search(codes):
                matched += 1
                assert needs == _COMPILER.needs(rule)[1:]
                assert all(not need.isdisjoint(codes) for need in (anchor, *needs)), rule
    assert matched > 1000


def test_every_guard_match_starts_with_a_word_the_guard_can_start_with() -> None:
    matched = 0
    messages = [encode(text) for text in _labelled()]
    for guard in GUARDS:
        first = _COMPILER.first(guard)
        assert first is not None, guard
        pattern = re.compile(_COMPILER.compile(guard))
        for codes in messages:
            for match in pattern.finditer(codes):
                matched += 1
                assert codes[match.start()] in first, guard
    assert matched > 100
