"""Which habits a free-text note mentions ("had kimchi and walked 20 min"), and whether done."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nudgebot.domain.replies import Outcome

# Letters of the languages the content is written in (German adds ä, ö, ü and ß).
_WORD = re.compile(r"[a-z0-9äöüß]+(?:'[a-z]+)?")
# Words that end the reach of a negation: "didn't walk, but had kimchi".
_CLAUSE_BREAK = re.compile(
    r"[.,;:!?\n]+|\b(?:but|and|then|also|plus|though|although|so"
    r"|aber|und|dann|auch|sondern|doch|trotzdem|dafür)\b"
)
# Words that say "not done" after the habit too: "yoga skipped", "Sport ausgelassen".
_SKIP_WORDS = ("skip", "skipped", "missed", "forgot", "verpasst", "vergessen", "ausgelassen")
_NEGATORS = frozenset(
    {
        *_SKIP_WORDS,
        "no",
        "not",
        "never",
        "didn't",
        "didnt",
        "don't",
        "dont",
        "haven't",
        "havent",
        "hasn't",
        "couldn't",
        "couldnt",
        "can't",
        "cant",
        "cannot",
        "wasn't",
        "wasnt",
        "won't",
        "without",
        # German: "heute nicht gelaufen", "keinen Kimchi gegessen"
        "nicht",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "keines",
        "nie",
        "niemals",
        "ohne",
    }
)


@dataclass(frozen=True, slots=True)
class HabitMention:
    """A habit the text talks about, and what it says about it."""

    tip_id: str
    outcome: Outcome


def stem(word: str) -> str:
    """A deliberately small stemmer: walked, walking, walks -> walk; berries -> berry."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # jogged -> jogg -> jog, swimming -> swimm -> swim
    return word


_NEGATOR_STEMS = frozenset(stem(word) for word in _NEGATORS)
_SKIP_STEMS = frozenset(stem(word) for word in _SKIP_WORDS)


def _stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text)]


@dataclass(frozen=True, slots=True)
class _Keyword:
    stems: tuple[str, ...]
    tip_ids: tuple[str, ...]  # tips sharing the keyword, in rotation order


class HabitMatcher:
    """Built once from the tips' keywords; `match` is pure and cheap."""

    def __init__(self, keywords: Mapping[str, Sequence[str]]) -> None:
        by_stems: dict[tuple[str, ...], list[str]] = {}
        for tip_id, words in keywords.items():
            for word in words:
                stems = tuple(_stems(word.casefold()))
                if stems and tip_id not in by_stems.setdefault(stems, []):
                    by_stems[stems].append(tip_id)
        # Longest phrases first, so "herbal tea" wins over "tea" and "no soda" over "no".
        self._keywords = sorted(
            (_Keyword(stems, tuple(ids)) for stems, ids in by_stems.items()),
            key=lambda keyword: -len(keyword.stems),
        )

    def match(self, text: str, *, prefer: str | None = None) -> list[HabitMention]:
        """Habits mentioned, in the order first mentioned; a later mention of one overrides.

        A keyword shared by several habits goes to `prefer` (the tip being answered) when it
        is one of them, else to the first in rotation order.
        """
        found: dict[str, Outcome] = {}
        normal = text.casefold().replace("’", "'")
        for clause in _CLAUSE_BREAK.split(normal):
            words = _stems(clause)
            taken = [False] * len(words)
            hits: list[tuple[int, int, str]] = []
            for keyword in self._keywords:
                size = len(keyword.stems)
                for start in range(len(words) - size + 1):
                    span = range(start, start + size)
                    if tuple(words[start : start + size]) != keyword.stems or any(
                        taken[i] for i in span
                    ):
                        continue
                    for i in span:
                        taken[i] = True
                    tip_id = prefer if prefer in keyword.tip_ids else keyword.tip_ids[0]
                    assert tip_id is not None
                    hits.append((start, start + size, tip_id))
            hits.sort()
            for index, (start, end, tip_id) in enumerate(hits):
                # Negators not inside a keyword ("no soda" is itself a good thing), and a skip
                # word between this habit and the next one.
                until = hits[index + 1][0] if index + 1 < len(hits) else len(words)
                negations = sum(
                    1 for i in range(start) if not taken[i] and words[i] in _NEGATOR_STEMS
                ) + sum(1 for i in range(end, until) if words[i] in _SKIP_STEMS)
                # Two negations cancel out: "didn't skip my walk" is a walk.
                found[tip_id] = Outcome.SKIPPED if negations % 2 else Outcome.DONE
        return [HabitMention(tip_id, outcome) for tip_id, outcome in found.items()]
