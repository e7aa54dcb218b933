"""Reading a free-text check-in as done, partly done or skipped."""

import re
from enum import StrEnum


class Outcome(StrEnum):
    """What a check-in says about the day's tip."""

    DONE = "done"
    PARTLY = "partly"  # some of it: keeps a streak alive, because a little still counts
    SKIPPED = "skipped"


# Outcomes that count for a streak. A forgiving bot counts a partial effort as a day kept.
STREAK_OUTCOMES: frozenset[str] = frozenset({Outcome.DONE, Outcome.PARTLY})


# Phrases that contain a negative word but mean nothing negative about the habit.
_HARMLESS = re.compile(
    r"\b(?:no (?:problem|problems|prob|worries|worry|doubt|sweat|issue|issues)|not bad"
    r"|never better|no excuses?|can(?:no|')?t complain|couldn(?:')?t be better)\b"
)
# A negation of skipping is a success: "didn't skip it", "never missed".
_DOUBLE_NEGATIVE = re.compile(
    r"\b(?:didn(?:')?t|did not|haven(?:')?t|have not|never|not|wasn(?:')?t)\s+"
    r"(?:skip|skipped|skipping|miss|missed|missing|forget|forgot|forgotten|fail|failed)\b"
)
_STARTS_NEGATIVE = re.compile(
    r"^(?:no|nope|nah|nay|negative|not really|not today|not yet|nothing today)\b"
    r"|^(?:none|nothing)$|^(?:❌|👎)"
)
_NEGATIVE = re.compile(
    r"\b(?:not today|not yet|not this time|didn(?:')?t|did not|haven(?:')?t|have not"
    r"|couldn(?:')?t|could not|can(?:')?t|cannot|wasn(?:')?t able|unable|skip|skipped|skipping"
    r"|missed|miss(?:ed)? it|forgot|forgotten|forget it|no time|failed|too busy|gave up)\b"
)
# Said before anything else is read: "partly", "did a bit", "half of it" keep a streak, gently.
_PARTLY = re.compile(
    r"\b(?:partly|partially|halfway|half of it|some of it|sort of|kind of|kinda|sorta"
    r"|a bit|a little|not all of it|not fully|not completely)\b"
)
_POSITIVE = re.compile(r"\b(?:done|did it|yes|yep|yeah|completed|finished|managed)\b")


def _normalise(text: str) -> str:
    lowered = text.casefold().replace("’", "'").replace("`", "'")
    return " ".join(lowered.split())


def classify_reply(text: str) -> Outcome:
    """SKIPPED when the reply says the habit did not happen, PARTLY for some, else DONE."""
    cleaned = _HARMLESS.sub(" ", _normalise(text))
    if _PARTLY.search(cleaned):
        return Outcome.PARTLY
    cleaned = _DOUBLE_NEGATIVE.sub(" done ", cleaned).strip(" ,.!;:-")
    if _STARTS_NEGATIVE.search(cleaned):
        return Outcome.SKIPPED
    if _NEGATIVE.search(cleaned) and not _POSITIVE.search(cleaned):
        return Outcome.SKIPPED
    return Outcome.DONE
