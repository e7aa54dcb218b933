"""Reading a free-text check-in as done, partly done or skipped."""

import pytest

from nudgebot.domain.replies import Outcome, classify_reply


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "No.",
        "nope",
        "nah, too tired",
        "not today",
        "didn't",
        "Didn’t have time",
        "did not",
        "skipped",
        "missed it",
        "forgot",
        "I forgot today",
        "couldn't",
        "no time",
        "nothing today",
        "❌",
    ],
)
def test_negative_replies_are_skipped(text: str) -> None:
    assert classify_reply(text) is Outcome.SKIPPED


@pytest.mark.parametrize(
    "text",
    [
        "did it!",
        "done",
        "yes",
        "ate kimchi today",
        "walked 20 min after dinner",
        "didn't skip it",
        "never missed a day",
        "no problem, done",
        "no worries, ate yogurt",
        "walked 20 min, no sugar",
        "not bad, walked to work",
        "forgot my headphones but did it",
        "👍",
        "",
    ],
)
def test_everything_else_is_done(text: str) -> None:
    assert classify_reply(text) is Outcome.DONE


def test_outcome_values_are_stable_strings() -> None:
    assert [outcome.value for outcome in Outcome] == ["done", "partly", "skipped"]


@pytest.mark.parametrize(
    "text", ["partly", "did a bit", "Half of it, to be honest", "kinda", "not all of it"]
)
def test_some_of_it_is_partly(text: str) -> None:
    assert classify_reply(text) is Outcome.PARTLY
