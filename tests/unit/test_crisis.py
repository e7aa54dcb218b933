"""The crisis detector against a labelled set: recall by category and false alarms, per part."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.crisis import categories, signals_crisis
from nudgebot.domain.crisis.model import MAX_WORDS, load_model
from nudgebot.domain.crisis.spelling import uncensored
from nudgebot.domain.crisis.text import tokens

DATA = Path(__file__).with_name("crisis_data")
CATEGORIES = (
    "explicit",
    "self_harm",
    "indirect",
    "planning",
    "slang",
    "misspelling",
    "embedded",
    "german",
)
# The goals on messages the detector was never tuned on (the HOLDOUT part). A false alarm
# costs one caring message and a miss can cost far more, so recall comes first.
MIN_RECALL = 0.95
MIN_RECALL_PER_CATEGORY = 0.90
MAX_FALSE_ALARMS = 0.05


def _part(name: str) -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = yaml.safe_load(
        (DATA / f"{name}.yaml").read_text(encoding="utf-8")
    )
    return data


TUNE = _part("tune")
HOLDOUT = _part("holdout")


def _positives(part: dict[str, dict[str, list[str]]]) -> list[str]:
    return [text for texts in part["positive"].values() for text in texts]


def _negatives(part: dict[str, dict[str, list[str]]]) -> list[str]:
    return [text for texts in part["negative"].values() for text in texts]


def _report(name: str, part: dict[str, dict[str, list[str]]]) -> str:
    rows = [f"crisis detector on tests/unit/crisis_data/{name}.yaml"]
    for category, texts in part["positive"].items():
        found = sum(map(signals_crisis, texts))
        rows.append(f"  {category:<12} {found:>3}/{len(texts):<3} recall {found / len(texts):6.1%}")
        rows += [f"      missed: {text!r}" for text in texts if not signals_crisis(text)]
    positives, negatives = _positives(part), _negatives(part)
    found = sum(map(signals_crisis, positives))
    alarms = [text for text in negatives if signals_crisis(text)]
    rows.append(
        f"  {'all':<12} {found:>3}/{len(positives):<3} recall {found / len(positives):6.1%}"
    )
    for kind, texts in part["negative"].items():
        flagged = sum(map(signals_crisis, texts))
        rows.append(f"  {kind:<12} {flagged:>3}/{len(texts):<3} flagged (harmless)")
    rows.append(
        f"  false alarms {len(alarms)}/{len(negatives)} = {len(alarms) / len(negatives):.1%}, "
        f"precision {found / (found + len(alarms)):.1%}"
    )
    rows += [f"      false alarm: {text!r}" for text in alarms]
    return "\n".join(rows)


def test_the_labelled_set_is_large_and_the_holdout_has_forty_of_each_kind() -> None:
    assert set(TUNE["positive"]) == set(HOLDOUT["positive"]) == set(CATEGORIES)
    for category in CATEGORIES:
        assert len(TUNE["positive"][category]) + len(HOLDOUT["positive"][category]) >= 90
    positives = len(_positives(TUNE)) + len(_positives(HOLDOUT))
    negatives = len(_negatives(TUNE)) + len(_negatives(HOLDOUT))
    assert positives >= 800
    assert negatives >= 400
    # The holdout was written first and never tuned on; the tune part grew afterwards with
    # probes of fresh messages, so the holdout is a fixed size rather than a share.
    assert all(len(texts) >= 40 for texts in HOLDOUT["positive"].values())
    assert len(_negatives(HOLDOUT)) >= 150


def test_no_message_is_in_both_parts() -> None:
    tune = {text.casefold() for text in _positives(TUNE) + _negatives(TUNE)}
    holdout = {text.casefold() for text in _positives(HOLDOUT) + _negatives(HOLDOUT)}
    assert tune.isdisjoint(holdout)


@pytest.mark.parametrize(("name", "part"), [("tune", TUNE), ("holdout", HOLDOUT)])
def test_recall_and_false_alarms_meet_the_goals(
    name: str, part: dict[str, dict[str, list[str]]], figure: Callable[[str], None]
) -> None:
    figure(_report(name, part))  # printed in the run's "measured figures" section
    for category, texts in part["positive"].items():
        recall = sum(map(signals_crisis, texts)) / len(texts)
        assert recall >= MIN_RECALL_PER_CATEGORY, category
    explicit = part["positive"]["explicit"]
    assert [text for text in explicit if not signals_crisis(text)] == []
    positives = _positives(part)
    assert sum(map(signals_crisis, positives)) / len(positives) >= MIN_RECALL
    negatives = _negatives(part)
    assert sum(map(signals_crisis, negatives)) / len(negatives) <= MAX_FALSE_ALARMS


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "I WANT TO KILL MYSELF",
        "i want to kiiiill myself",
        "i want to k1ll mys3lf",
        "want to kill myself!!!",
        "I want to kill my self",
        "I\u2019m suicidal",
        "s*icidal again",
        "i want to d i e",
        "im so suicdal",
    ],
)
def test_spelling_case_and_punctuation_do_not_hide_a_signal(text: str) -> None:
    assert signals_crisis(text)


@pytest.mark.parametrize(
    "text",
    ["I cut myself when I'm sad", "I hurt myself on purpose", "cutting myself again tonight"],
)
def test_a_look_alike_word_does_not_hide_a_real_disclosure(text: str) -> None:
    assert signals_crisis(text)


@pytest.mark.parametrize(
    "text",
    [
        "this workout is killing me",
        "dying to try the new recipe",
        "cutting myself some slack",
        "dead tired",
        "ich sterbe vor Lachen",
        "ran 5 kms",
        "ran 5kms today",
    ],
)
def test_a_harmless_phrase_is_not_flagged(text: str) -> None:
    assert not signals_crisis(text)


@pytest.mark.parametrize(
    "text", ["alle wären besser dran ohne mich", "alle waeren besser dran ohne mich"]
)
def test_umlauts_read_the_same_written_either_way(text: str) -> None:
    assert signals_crisis(text)


def test_a_harmless_phrase_does_not_cover_a_signal_later_in_the_message() -> None:
    assert signals_crisis("dying to try that ramen place. honestly though i want to die")


def test_categories_name_the_concept_found() -> None:
    assert "self_harm" in categories("the urge to cut is back")
    assert "burden" in categories("they'd cope better if i weren't around")
    assert categories("walked 20 min and had kimchi") == frozenset()


@pytest.mark.parametrize("text", ["", "   ", "👍", "done", "12345", "ok!!!"])
def test_ordinary_check_ins_are_not_flagged(text: str) -> None:
    assert not signals_crisis(text)


@given(st.text(max_size=300))
def test_any_text_gets_an_answer_without_raising(text: str) -> None:
    assert signals_crisis(text) in (True, False)


@given(
    st.text(max_size=200),
    st.sampled_from(TUNE["positive"]["explicit"]),
    st.text(max_size=200),
)
def test_a_signal_on_its_own_line_is_found_whatever_surrounds_it(
    before: str, signal: str, after: str
) -> None:
    assert signals_crisis(f"{before}\n{signal}\n{after}")


def test_the_shipped_model_was_trained_on_the_current_tune_part() -> None:
    # Retrain with tools/train_crisis_model.py whenever tune.yaml changes.
    tune = hashlib.sha256((DATA / "tune.yaml").read_bytes()).hexdigest()
    assert load_model().trained_on_sha256 == tune


@given(
    st.lists(st.sampled_from(["i", "want", "to", "die", "walk", "kimchi", "|", ","]), max_size=90)
)
def test_the_model_gives_a_probability_for_any_words(words: list[str]) -> None:
    assert 0.0 <= load_model().probability(words) <= 1.0


def test_a_message_longer_than_the_model_reads_is_left_to_the_rules() -> None:
    model = load_model()
    short = ["i", "am", "a", "burden", "to", "everyone"]
    assert model.flags(short)
    assert not model.flags(short + ["walked"] * MAX_WORDS)


def test_a_number_keeps_its_unit_and_reads_apart_from_leetspeak() -> None:
    assert tokens("ran 5kms, k1ll") == ["ran", "0", "kms", ",", "kil"]
    assert tokens("took 30 pills") != tokens("took 3 pills")


def test_umlauts_and_letter_runs_fold_to_one_spelling() -> None:
    assert tokens("wäre würde") == tokens("waere wuerde") == tokens("ware wurde")
    assert tokens("kiiill mysellf") == tokens("kill myself")


@pytest.mark.parametrize(
    ("word", "meant"), [("s*icide", "suicide"), ("s**cide", "suicide"), ("sh*t", None)]
)
def test_a_censored_word_is_read_as_the_key_word_it_fits(word: str, meant: str | None) -> None:
    assert uncensored(word) == meant


def test_which_censored_words_are_read_does_not_depend_on_the_hash_seed() -> None:
    # More censored words than are read per message, the key word among the first of them:
    # read in the message's order, it is found in every process, whatever its hash seed.
    noise = " ".join(f"b*{chr(97 + i % 26)}{i}x" for i in range(40))
    message = f"today was long. i want to k*ll myself {noise}"
    script = (
        f"from nudgebot.domain.crisis import signals_crisis; print(signals_crisis({message!r}))"
    )
    answers = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in range(6)
    }
    assert answers == {"True"}


@given(st.text(max_size=200))
def test_folded_words_are_plain_ascii(text: str) -> None:
    assert all(word.isascii() and word.strip() == word and word for word in tokens(text))
