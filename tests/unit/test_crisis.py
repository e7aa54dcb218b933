"""The crisis detector against a labelled set: recall by category, false positives reported."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.crisis import signals_crisis

PHRASES_FILE = Path(__file__).with_name("crisis_phrases.yaml")
POSITIVE = ("explicit", "indirect", "slang")
# A false alarm costs one caring message, so recall wins; still, at most this share of the
# harmless look-alikes may be flagged.
MAX_FALSE_POSITIVE_SHARE = 0.10


def _labelled() -> list[tuple[str, str]]:
    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    return [(item["text"], item["category"]) for item in data["phrases"]]


LABELLED = _labelled()


def test_the_labelled_set_is_large_and_half_positive() -> None:
    kinds = Counter(category for _, category in LABELLED)
    assert set(kinds) == {*POSITIVE, "negative"}
    assert len(LABELLED) >= 60
    assert sum(kinds[c] for c in POSITIVE) >= len(LABELLED) / 2
    assert kinds["negative"] >= 30


def test_every_explicit_phrase_is_recognised() -> None:
    missed = [text for text, kind in LABELLED if kind == "explicit" and not signals_crisis(text)]
    assert missed == []


def test_recall_and_false_positives_are_reported_and_bounded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows: list[str] = []
    for category in (*POSITIVE, "negative"):
        texts = [text for text, kind in LABELLED if kind == category]
        flagged = [text for text in texts if signals_crisis(text)]
        share = len(flagged) / len(texts)
        label = "false positives" if category == "negative" else "recall"
        rows.append(f"{category:<9} {len(texts):>3} phrases  {label}: {share:6.1%}")
        if category == "negative":
            rows += [f"  false positive: {text!r}" for text in flagged]
            false_positive_share = share
        else:
            rows += [f"  missed: {text!r}" for text in texts if text not in flagged]
    with capsys.disabled():  # shown on every run, not only with -s
        print("\ncrisis detector on tests/unit/crisis_phrases.yaml\n" + "\n".join(rows))
    assert false_positive_share <= MAX_FALSE_POSITIVE_SHARE


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "I WANT TO KILL MYSELF",
        "i want to kiiiill myself",
        "i want to k1ll mys3lf",
        "I want to kill myself.",
        "want to kill myself!!!",
        "I want to kill my self",
        "I\u2019m suicidal",
    ],
)
def test_spelling_case_and_punctuation_do_not_hide_a_signal(text: str) -> None:
    assert signals_crisis(text)


@pytest.mark.parametrize("text", ["", "   ", "👍", "done", "12345", "ok!!!"])
def test_ordinary_check_ins_are_not_flagged(text: str) -> None:
    assert not signals_crisis(text)


@given(st.text(max_size=300))
def test_any_text_gets_an_answer_without_raising(text: str) -> None:
    assert signals_crisis(text) in (True, False)
