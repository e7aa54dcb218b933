"""Which habits a free-text note mentions ("had kimchi and walked 20 min"), and whether done."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import gt

from nudgebot.domain.replies import Outcome

# Letters of the languages the content is written in (German adds ä, ö, ü and ß).
_WORD = re.compile(r"[a-z0-9äöüß]+(?:'[a-z]+)?")
# Words that end the reach of a negation: "didn't walk, but had kimchi".
_BREAK_WORDS = (
    r"\b(?:but|and|then|also|plus|though|although|so"
    r"|aber|und|dann|auch|sondern|doch|trotzdem|dafür)\b"
)
_BREAK = r"[.,;:!?\n]+|" + _BREAK_WORDS
# A note as one stream of (break, word) pairs, one of them empty: the same words and clauses
# as splitting at _BREAK and reading each part with _WORD (a break word right after an
# apostrophe, "it'so", still ends the word there), in one scan.
_TOKENS = re.compile(rf"({_BREAK})|([a-z0-9äöüß]+(?:'(?!{_BREAK_WORDS})[a-z]+)?)")
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
# Stemming is most of the cost of a long note, and people repeat their words; the bound keeps
# memory flat whatever they send.
_cached_stem = lru_cache(maxsize=65536)(stem)


def _stems(text: str) -> list[str]:
    return [_cached_stem(word) for word in _WORD.findall(text)]


@dataclass(frozen=True, slots=True)
class _Keyword:
    rank: int  # longest phrases first: the order in which keywords claim words
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
        ordered = sorted(by_stems.items(), key=lambda item: -len(item[0]))
        # Indexed by first word, so a note costs one look-up per word, not one per keyword.
        self._by_first: dict[str, list[_Keyword]] = {}
        for rank, (stems, ids) in enumerate(ordered):
            self._by_first.setdefault(stems[0], []).append(_Keyword(rank, stems, tuple(ids)))

    def _claims(self, words: list[str], ends: list[int]) -> list[tuple[int, int, _Keyword]]:
        """Every place a keyword fits within its clause (ends[i]: one past the last word of
        word i's clause), in the order keywords claim words: by rank, then place."""
        found: list[tuple[int, int, _Keyword]] = []
        by_first = self._by_first
        for start, word in enumerate(words):
            keywords = by_first.get(word)
            if keywords is None:
                continue
            for keyword in keywords:
                size = len(keyword.stems)
                if size == 1 or (
                    start + size <= ends[start]
                    and tuple(words[start : start + size]) == keyword.stems
                ):
                    found.append((keyword.rank, start, keyword))
        # (rank, start) is unique per claim, so the keyword itself is never compared.
        found.sort()
        return found

    def match(self, text: str, *, prefer: str | None = None) -> list[HabitMention]:
        """Habits mentioned, in the order first mentioned; a later mention of one overrides.

        A keyword shared by several habits goes to `prefer` (the tip being answered) when it
        is one of them, else to the first in rotation order. Negations count within a clause.
        """
        # One pass over the whole note, not one per clause: a note of many short clauses
        # ("walked, no kimchi. but yoga ...") would otherwise pay the fixed cost of every step
        # hundreds of times. starts/ends give each word its clause.
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        first = 0  # the index of the current clause's first word
        for is_break, word in _TOKENS.findall(text.casefold().replace("’", "'")):
            if not is_break:
                words.append(word)
                starts.append(first)
            elif len(words) > first:
                ends += [len(words)] * (len(words) - first)
                first = len(words)
        ends += [len(words)] * (len(words) - first)
        stems = list(map(_cached_stem, words))
        taken = [False] * len(stems)
        hits: list[tuple[int, int, str]] = []
        for _, start, keyword in self._claims(stems, ends):
            size = len(keyword.stems)
            end = start + size
            if size == 1:
                if taken[start]:
                    continue
                taken[start] = True
            elif any(taken[start:end]):
                continue
            else:
                taken[start:end] = [True] * size
            ids = keyword.tip_ids
            hits.append((start, end, prefer if prefer is not None and prefer in ids else ids[0]))
        if not hits:
            return []
        hits.sort()
        # Running counts, so each habit's negations cost a few look-ups: negators not inside a
        # keyword ("no soda" is itself a good thing) before it in its clause, and skip words
        # after it up to the next habit or the clause's end.
        # A negator counts unless a keyword took it: True > False, and nothing else is greater.
        negator = map(gt, map(_NEGATOR_STEMS.__contains__, stems), taken)
        negators_before = list(accumulate(negator, initial=0))
        skips_before = list(accumulate(map(_SKIP_STEMS.__contains__, stems), initial=0))
        found: dict[str, Outcome] = {}
        last = len(hits) - 1
        for index, (start, end, tip_id) in enumerate(hits):
            until = ends[start]
            # A skip word counts up to the next habit: "had kimchi, yoga missed".
            if index < last and hits[index + 1][0] < until:
                until = hits[index + 1][0]
            negations = (
                negators_before[start]
                - negators_before[starts[start]]
                + skips_before[until]
                - skips_before[end]
            )
            # Two negations cancel out: "didn't skip my walk" is a walk.
            found[tip_id] = Outcome.SKIPPED if negations % 2 else Outcome.DONE
        return [HabitMention(tip_id, outcome) for tip_id, outcome in found.items()]
