"""Message text folded to plain tokens: case, accents, leetspeak, letter runs, joined words."""

from __future__ import annotations

import re
import unicodedata

BREAK = "|"  # a clause break (. ! ? ; : or a new line): concepts never reach across one
COMMA = ","  # a softer break: a clause may start after one, and concepts reach across it

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "ß": "ss", "´": "'"})
_LEET = str.maketrans("0134579@$", "oieastgas")
# A word that mixes letters with digits or @/$ ("k1ll", "d13", "$uicide"); plain numbers stay
# numbers ("ran 5 kms"), so only these are read as leetspeak.
_LEETSPEAK = re.compile(r"[a-z]+[0-9@$][a-z0-9@$]*|[0-9@$]+[a-z][a-z0-9@$]*")
# Words people write apart or with a hyphen that mean one thing.
_JOINS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), joined)
    for pattern, joined in (
        (r"\bs(?:el|le)f[\s_-]*(h[a-z]+|injur|delet|destruct|mutilat|verletz)", r"self\1"),
        (r"\bselbst[\s_-]+(verletz|mord|tot)", r"selbst\1"),
        (r"\bsewer[\s_-]*slid", "sewerslid"),
        (r"\bsuicid[\s_-]+al\b", "suicidal"),
        (r"\bmy[\s_-]+self\b", "myself"),
        (r"\bs\s*/\s*h\b", "sh"),
        (r"\b(on|with)\s+purpose\b", "onpurpose"),
        (r"\bmit\s+absicht\b", "absichtlich"),
        (r"\bno\s+(one|body)\b", r"no\1"),
        (r"\bnot\s+any\s*more\b", "not anymore"),
        (r"\bany\s+more\b", "anymore"),
        (r"\bun[\s_-]+aliv", "unaliv"),
        (r"\btoaster[\s_-]+bath", "toasterbath"),
        (r"\bgrippy[\s_-]+sock", "grippysock"),
        (r"\bwake[\s_-]+up\b", "wakeup"),
        (r"\bwant\s*to\b|\bwanto\b|\bwannna\b", "wanna"),
        (r"\bgoing\s+to\b|\bgoing\s+2\b", "gonna"),
        (r"\bin\s+front\s+of\b", "infrontof"),
    )
)
# Letters typed apart: "k m s", "d i e", "s u i c i d e".
_SPACED = re.compile(r"\b[a-z](?:[ .][a-z]\b){2,}")
_CENSORED = re.compile(r"[a-z]*[a-z][*#]+[a-z]+")
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_BREAKS = re.compile(r"[.!?;:\n\r]+")
_COMMA = re.compile(r",+")
_OTHER = re.compile(r"[^a-z0-9*|, ]+")
_UNIT = re.compile(r"(\d)(kms?|k|mi|mins?|h|hrs?|kg|x)\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_RUNS = re.compile(r"([a-z])\1+")
_TOKEN = re.compile(r"[a-z0-9*]+|[|,]")
_UMLAUT_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold_word(word: str) -> str:
    """One word as `tokens` would read it: the form the word lists are written in."""
    tokens_found = tokens(word)
    return " ".join(tokens_found)


def _fold(text: str) -> str:
    text = text.casefold().translate(_QUOTES)
    if not text.isascii():
        # Accents dropped ("würde" -> "wurde"); letters outside Latin script drop out.
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text


def tokens(text: str) -> list[str]:
    """The words of a message, folded, with BREAK between clauses."""
    text = _UNIT.sub(r"\1 \2", _fold(text))  # "5kms" -> "5 kms", a distance
    text = _LEETSPEAK.sub(lambda match: match.group(0).translate(_LEET), text)
    text = _NUMBER.sub(" 0 ", text)  # every number reads the same
    text = _APOSTROPHE.sub("", text)  # "can't" and "cant" read the same
    text = _BREAKS.sub(f" {BREAK} ", text)
    text = _COMMA.sub(f" {COMMA} ", text)
    text = _SPACED.sub(lambda match: match.group(0).replace(" ", "").replace(".", ""), text)
    for pattern, joined in _JOINS:
        text = pattern.sub(joined, text)
    for digraph, vowel in _UMLAUT_DIGRAPHS:  # "waere" and "wäre" read the same
        text = text.replace(digraph, vowel)
    text = _RUNS.sub(r"\1", text)  # "kiiill" -> "kil", the way every listed word is read
    return _TOKEN.findall(_OTHER.sub(" ", text))


def is_censored(token: str) -> bool:
    """A word with letters hidden by * or # ("s*icide", "k*ll")."""
    return "*" in token and bool(_CENSORED.fullmatch(token))
