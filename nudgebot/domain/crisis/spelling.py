"""Misspelt key words read as what they were meant to be ("suicdal", "myslef", "selfharmign")."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from nudgebot.domain.crisis.text import fold_word

# Long words whose neighbours within one edit are not everyday words. Shorter or commoner key
# words ("kill": "bill", "fill"; "cutting": "putting"; "hurting": "hunting") are left out on
# purpose: guessing them would turn ordinary notes into alarms. Their usual typos are listed in
# the lexicon instead.
_TARGET_WORDS = (
    "suicide suicidal suicidality myself overdose overdosing selfharm selfharming selfharmed "
    "anymore umbringen selbstmord suizid suizidal suizidgedanken tabletten unalive unaliving "
    "sewerslide lebensmude aufhangen paracetamol antidepressants stockpiling goodbye"
)
_TWO_EDIT_WORDS = (
    "suicide suicidal suicidality selbstmord suizidgedanken sewerslide paracetamol "
    "antidepressants myself"
)
_REAL_WORD_LIST = (
    "overdone overdoes overdue overdo suicides myselves goodbyes tablette himself herself "
    "itself yourself themselves ourselves thyself mysterious mystery"
)
TARGETS: tuple[str, ...] = tuple(fold_word(word) for word in _TARGET_WORDS.split())
# Words people hide letters of ("k*ll", "s**cide", "su#cidal").
_CENSORABLE_WORDS = (
    "kill killing killed myself die dying dead death suicide suicidal selfharm cut cutting "
    "overdose unalive sewerslide hang hanging"
)
CENSORABLE: tuple[str, ...] = tuple(fold_word(word) for word in _CENSORABLE_WORDS.split())
MAX_HIDDEN = 3  # letters one run of * may stand for
MIN_LENGTH = 5  # a shorter word has too many real neighbours to guess
# Long words that are two edits from nothing people write every day ("suidical", "selbstmrod").
TWO_EDITS: frozenset[str] = frozenset(fold_word(word) for word in _TWO_EDIT_WORDS.split())
# Real words one or two edits from a key word: never read as it.
REAL_WORDS: frozenset[str] = frozenset(fold_word(word) for word in _REAL_WORD_LIST.split())


class Speller:
    """Finds, for unknown words, the key word they are one typo away from."""

    def __init__(self, targets: Iterable[str] = TARGETS) -> None:
        # Key words grouped by length and edits allowed, so each group scans only the words
        # whose length could be that close.
        self._groups: dict[tuple[int, int], list[str]] = {}
        for target in targets:
            edits = 2 if target in TWO_EDITS else 1
            self._groups.setdefault((len(target), edits), []).append(target)

    def corrections(self, unknown: Collection[str]) -> dict[str, str]:
        """Unknown word -> key word, for each unknown word within one edit of a key word.

        One rapidfuzz call per key word over all the message's unknown words (in C), rather
        than one call per word: measured on a 4,096-character message of distinct words it is
        about three times faster than a Python deletion index (bench/crisis.py).
        """
        # Each step over all the words is one C call (set difference, join, sort by length,
        # bisect), not a Python loop per word: 0.35 -> 0.29 ms on bench/crisis.py's 444
        # leetspeak words, 0.40 -> 0.35 ms on its 390 distinct ones.
        words = set(unknown).difference(REAL_WORDS)
        if "*" in "".join(words):
            words = {word for word in words if "*" not in word}
        ordered = sorted(words, key=len)
        sizes = list(map(len, ordered))
        found: dict[str, str] = {}
        if not sizes or sizes[-1] < MIN_LENGTH:
            return found
        for (length, edits), targets in self._groups.items():
            low = bisect_left(sizes, max(length - edits, MIN_LENGTH))
            high = bisect_right(sizes, length + edits, low)
            if low == high:
                continue
            choices = ordered[low:high]
            for target in targets:
                for word, _, _ in process.extract(
                    target, choices, scorer=OSA.distance, score_cutoff=edits, limit=None
                ):
                    found.setdefault(word, target)
        return found


def uncensored(word: str) -> str | None:
    """The censorable key word a word with * fits ("s*icide" -> "suicide"), if one does.

    Letters before the first * and after the last must match, letters between runs of * must
    follow in order, and each run stands for one to three letters; plain string tests, so no
    pattern is compiled per word.
    """
    parts = word.split("*")
    head, tail = parts[0], parts[-1]
    if len(parts) < 2 or not (head or tail):
        return None
    inner = [part for part in parts[1:-1] if part]
    runs = len(inner) + 1  # a run of * before each letter between them, and one after
    shown = len(head) + len(tail)
    between = sum(map(len, inner))
    # The cheap tests first: most key words differ in their first or last letters (16 words
    # of bench/crisis.py's censored shape: 0.15 -> 0.05 ms).
    for target in CENSORABLE:
        if not (len(target) > shown and target.startswith(head) and target.endswith(tail)):
            continue
        if not runs <= len(target) - shown - between <= MAX_HIDDEN * runs:
            continue
        middle = target[len(head) : len(target) - len(tail)]
        position = 0
        for letters in inner:
            position = middle.find(letters, position)
            if position < 0:
                break
            position += len(letters)
        else:
            return target
    return None
