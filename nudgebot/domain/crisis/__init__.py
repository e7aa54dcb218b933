"""Recognising a message that signals self-harm or suicidal thoughts (pure; no I/O).

How it works, in order:
1. text.py folds the message (case, accents, umlauts both ways, leetspeak, letter runs, missing
   apostrophes, words written apart) into words and clause breaks.
2. Each word becomes one character: its own code if a rule or word class names it (lexicon.py),
   "." otherwise. Unknown long words one typo away from a key word are read as that word
   (spelling.py, rapidfuzz); censored words ("s*icide") are read by pattern.
3. Concept rules (rules.py: a self reference near a harm or death verb, wishes to be dead or
   gone, being a burden, farewells, plans and means, hopelessness, community slang; English and
   German) are regular expressions over that string of characters (compiler.py).
4. A match is dropped only when a harmless phrase ("killing me at the gym", "dying to try")
   overlaps it: guards look at the phrase after the match, and never remove words before it.
5. Where no rule matched, a small linear model over the same words (model.py, trained on the
   labelled TUNE part by tools/train_crisis_model.py) gives a second opinion on messages of up
   to 80 words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nudgebot.domain.crisis.compiler import UNKNOWN, RuleCompiler, build_vocabulary
from nudgebot.domain.crisis.model import load_model
from nudgebot.domain.crisis.rules import GUARDS, RULES
from nudgebot.domain.crisis.spelling import Speller, uncensored
from nudgebot.domain.crisis.text import BREAK, tokens

__all__ = ["categories", "signals_crisis"]

_ALL_RULES = [rule for rules in RULES.values() for rule in rules]
_VOCABULARY = build_vocabulary([*_ALL_RULES, *GUARDS])
_COMPILER = RuleCompiler(_VOCABULARY)
# Each rule with the sets of characters a message must hold one of each of for it to match
# (the likeliest missing apart): checking that first skips most rules for most messages.
# Checking every set, not only the smallest, leaves 0-10 of the 314 rules to search on
# bench/crisis.py's shapes instead of 1-49 (0.26 -> 0.06 ms for the look-alikes).
_RULES: tuple[tuple[str, re.Pattern[str], frozenset[str], tuple[frozenset[str], ...]], ...] = tuple(
    (concept, re.compile(_COMPILER.compile(rule)), needs[0], needs[1:])
    for concept, rules in RULES.items()
    for rule in rules
    for needs in [_COMPILER.needs(rule)]
)


def _starts(rules: list[str] | tuple[str, ...]) -> str:
    """A lookahead for the words any of the rules' matches starts with ("" if not known)."""
    codes: set[str] = set()
    for rule in rules:
        first = _COMPILER.first(rule)
        if first is None:
            return ""
        codes |= first
    return f"(?=[{re.escape(''.join(sorted(codes)))}])"


# Every guard match starts with one of a few hundred words: checked first, a word that starts
# none of the 66 guards is passed after one test, not 66 (look-alike windows: 7 -> 4.5 us).
_GUARD = re.compile(
    _starts(GUARDS) + "(?:" + "|".join(f"(?:{_COMPILER.compile(guard)})" for guard in GUARDS) + ")"
)
_SPELLER = Speller()
_MODEL = load_model()
_PURPOSE = _VOCABULARY.classes["PURPOSE"]
_GUARD_REACH = 12  # words either side of a match that a guard may span
# A message that is nothing but look-alikes this many times over is flagged anyway: a false
# alarm costs one caring message, and the bound keeps the cost of a message flat.
MAX_GUARDED_MATCHES = 24
MAX_CENSORED_WORDS = 16  # read per message; more is noise, and each costs a scan


def encode(text: str) -> str:
    """The message as one character per word: what the rules are matched against."""
    return _encode(tokens(text))[0]


def _encode(words: list[str]) -> tuple[str, frozenset[str]]:
    # The characters in the message are collected from the list of them, not from the joined
    # string: a set of the string makes a new one-character string per word (0.03-0.05 ms).
    get = _VOCABULARY.codes.get
    codes = [get(word, UNKNOWN) for word in words]
    if UNKNOWN in codes:
        # In the message's order, not a set's: which censored words are read must not depend
        # on the process's hash seed (a set made the same message flagged in one run and not
        # in the next).
        unknown = dict.fromkeys(
            word for word, code in zip(words, codes, strict=True) if code == UNKNOWN
        )
        fixed = _SPELLER.corrections(unknown.keys())
        for word in [word for word in unknown if "*" in word][:MAX_CENSORED_WORDS]:
            if target := uncensored(word):
                fixed[word] = target
        if fixed:
            codes = [get(fixed.get(word, word), UNKNOWN) for word in words]
    return BREAK + "".join(codes), frozenset(codes).union(BREAK)


def _guarded(codes: str, start: int, end: int) -> bool:
    # "On purpose" makes any accident deliberate: "burned my arm on the stove on purpose".
    if not _PURPOSE.isdisjoint(codes[max(0, start - 6) : end + 8]):
        return False
    window = _GUARD.finditer(
        codes, max(0, start - _GUARD_REACH), min(len(codes), end + _GUARD_REACH)
    )
    return any(guard.start() < end and guard.end() > start for guard in window)


def _signals(coded: tuple[str, frozenset[str]]) -> Iterator[str]:
    codes, present = coded
    guarded = 0
    for concept, pattern, anchor, needs in _RULES:
        if anchor.isdisjoint(present) or any(map(present.isdisjoint, needs)):
            continue
        match = pattern.search(codes)
        while match is not None:
            if not _guarded(codes, match.start(), match.end()):
                yield concept
                break
            guarded += 1
            if guarded > MAX_GUARDED_MATCHES:
                yield concept
                return
            match = pattern.search(codes, match.start() + 1)


def categories(text: str) -> frozenset[str]:
    """The kinds of signal the text carries (rules.RULES, and "model"); empty when none."""
    words = tokens(text)
    found = set(_signals(_encode(words)))
    if _MODEL.flags(words):
        found.add("model")
    return frozenset(found)


def signals_crisis(text: str) -> bool:
    """True when the message may signal self-harm or suicidal thoughts."""
    words = tokens(text)
    return next(_signals(_encode(words)), None) is not None or _MODEL.flags(words)
