"""Recognising a free-text message that clearly asks one of the FAQs."""

import re
import unicodedata
from collections.abc import Mapping, Sequence

_QUESTION_OPENERS = frozenset(
    {
        "how",
        "what",
        "whats",
        "why",
        "which",
        "when",
        "where",
        "who",
        "is",
        "are",
        "can",
        "could",
        "does",
        "do",
        "should",
        "will",
        "would",
        "may",
        "might",
        "explain",
        "tell",
        "any",
    }
)
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "what's" -> "whats": an apostrophe joins a word, everything else separates words.
    plain = re.sub(r"['’]", "", plain)
    return _WORD.findall(plain)


def _stem(word: str) -> str:
    """Crude suffix stripping so 'probiotics', 'signs' and 'foods' meet their singular keywords."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _looks_like_question(text: str, words: Sequence[str]) -> bool:
    return "?" in text or (bool(words) and words[0] in _QUESTION_OPENERS)


def _hits(phrase: Sequence[str], words: Sequence[str]) -> int:
    size = len(phrase)
    return sum(
        1 for start in range(len(words) - size + 1) if tuple(words[start : start + size]) == phrase
    )


def _score(words: Sequence[str], phrases: Sequence[str]) -> int:
    score = 0
    for phrase in phrases:
        stemmed = tuple(_stem(word) for word in _words(phrase))
        # A longer phrase is more specific, so it weighs more; repeats of a phrase add nothing.
        if stemmed and _hits(stemmed, words):
            score += len(stemmed)
    return score


def match_faq(text: str, keywords: Mapping[int, Sequence[str]]) -> int | None:
    """Return the FAQ number `text` clearly asks about, or None for anything less clear."""
    words = _words(text)
    if not _looks_like_question(text, words):
        return None
    stemmed = [_stem(word) for word in words]
    scores = sorted(
        ((_score(stemmed, phrases), number) for number, phrases in keywords.items()),
        reverse=True,
    )
    if not scores or scores[0][0] == 0:
        return None
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        return None
    return scores[0][1]
