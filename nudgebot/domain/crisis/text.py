"""Message text folded to plain tokens: case, accents, leetspeak, letter runs, joined words."""

from __future__ import annotations

import re
import string
import unicodedata

BREAK = "|"  # a clause break (. ! ? ; : or a new line): concepts never reach across one
COMMA = ","  # a softer break: a clause may start after one, and concepts reach across it

# Read as an apostrophe. Replaced one by one, not by str.translate: a table with a value longer
# than one character (the old "ß": "ss", which casefold already does) sends translate through a
# dict per character on non-ASCII text, 0.29 ms of the 0.68 ms for 4,096 characters of German.
_QUOTES = ("’", "‘", "ʼ", "´")
_LEET = str.maketrans("0134579@$", "oieastgas")
# A number (with its unit, so "5kms" stays a distance) reads as "0"; any digit, @ or $ left is
# inside a word with letters, leetspeak ("k1ll", "d13", "$uicide"), and reads as a letter.
# Looked for with `in` (memchr): 12 searches cost 2 us where one pattern search costs 20 us.
_DIGITS = "0123456789@$"
# Each pattern starts with the digit and looks behind it after: a pattern that starts with a
# character class is scanned for in C, one that starts with a lookbehind is tried at every
# character (0.077 -> 0.023 ms on bench/crisis.py's long note). "[0-9](?<!x.)" matches where
# "(?<!x)[0-9]" does.
_NUMBER = re.compile(
    r"[0-9](?<![a-z0-9@$].)[0-9.,]*(?=(?:kms?|k|mi|mins?|h|hrs?|kg|x)?(?![a-z0-9@$]))"
)
_NUMBER_MARK = "%"  # not leetspeak, not kept as a word; becomes "0" after leetspeak is read
# Numbers of two digits or more read "00": "took 30 pills" is not "took 2 pills".
_MANY = re.compile(_NUMBER.pattern.replace("[0-9.,]*", "[0-9]+[0-9.,]*", 1))
# Replacements are plain strings: a template such as r"\1" is expanded in Python for every
# match (Python 3.11), which costs more than the scan itself.
_MANY_MARK = "%%"

# Words people write apart or with a hyphen that mean one thing, joined after splitting: a
# pass over the words that start one is far cheaper than a pattern tried at every character.
_PAIRS: dict[tuple[str, str], str] = {
    ("my", "self"): "myself",
    ("my", "slef"): "myself",
    ("my", "slf"): "myself",
    ("car", "park"): "carpark",
    ("on", "purpose"): "onpurpose",
    ("with", "purpose"): "onpurpose",
    ("mit", "absicht"): "absichtlich",
    ("no", "one"): "noone",
    ("no", "body"): "nobody",
    ("any", "more"): "anymore",
    ("toaster", "bath"): "toasterbath",
    ("wake", "up"): "wakeup",
    ("want", "to"): "wanna",
    ("going", "to"): "gonna",
    ("going", "2"): "gonna",
    ("in", "front"): "infront",
    ("infront", "of"): "infrontof",
}
# A first word joined to whatever word follows that starts with one of these.
_PREFIXES: dict[str, tuple[str, ...]] = {
    "self": ("h", "injur", "delet", "destruct", "mutilat", "verletz"),
    "slef": ("h",),
    "selbst": ("verletz", "mord", "tot"),
    "sewer": ("slid",),
    "un": ("aliv",),
}
# Letters typed apart: "k m s", "d i e", "s u i c i d e". The match starts at the first space
# or dot, the letter before it looked behind at, for the reason _NUMBER does (0.10 -> 0.04 ms);
# only spaces and dots are removed, so leaving that letter out of the match changes nothing.
_SPACED = re.compile(r"[ .](?<=\b[a-z][ .])[a-z]\b(?:[ .][a-z]\b)+")
# Clause breaks and commas become words of their own; other punctuation a space; apostrophes
# go ("can't" and "cant" read the same); letters, digits and censoring stars stay.
# One character for one keeps str.translate on its fast path; the breaks are spaced after.
_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys(string.punctuation + string.whitespace, " "),
        **dict.fromkeys(".!?;:\n\r", BREAK),
        ",": COMMA,
        "*": "*",
        "#": "*",
    }
)
_RUNS = re.compile(r"([a-z])\1+")  # for the tables below; tokens() uses _without_runs
# Byte tables for _without_runs: the text is ASCII, so a byte with the high bit set is a mark.
_ZERO_MARKED = bytes([0x80] + [0] * 255)
_LETTER_MARKED = bytes(0x80 if ord("a") <= byte <= ord("z") else 0 for byte in range(256))
_MARKED = bytes(range(0x80, 0x100))
_FIRST_WORDS = frozenset(
    {_RUNS.sub(r"\1", first) for first, _ in _PAIRS} | {_RUNS.sub(r"\1", w) for w in _PREFIXES}
)
_PAIRS = {
    (_RUNS.sub(r"\1", first), _RUNS.sub(r"\1", second)): _RUNS.sub(r"\1", joined)
    for (first, second), joined in _PAIRS.items()
}
_UMLAUT_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold_word(word: str) -> str:
    """A word or phrase as `tokens` reads it: the form word lists and rules are written in."""
    return " ".join(tokens(word))


def _fold(text: str) -> str:
    text = text.casefold().replace("`", "'")
    if not text.isascii():
        for quote in _QUOTES:
            text = text.replace(quote, "'")
        # Accents dropped ("würde" -> "wurde"); letters outside Latin script drop out.
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text


def _joined(words: list[str]) -> list[str]:
    starts = [i for i, word in enumerate(words[:-1]) if word in _FIRST_WORDS]
    while starts:
        out: list[str] = []
        made: list[int] = []  # where the joined words are in `out`
        done = 0
        for i in starts:
            if i < done:
                continue
            first, second = words[i], words[i + 1]
            joined = _PAIRS.get((first, second))
            if joined is None:
                if not second.startswith(_PREFIXES.get(first, ("\0",))):
                    continue
                joined = ("self" if first == "slef" else first) + second
            out += words[done:i]
            made.append(len(out))
            out.append(joined)
            done = i + 2
        if not made or done == len(words):
            return out or words
        # Joined again ("in front of" -> "infront of" -> "infrontof"): every other pair failed
        # this pass and would fail again, so only the pairs a new word is in are tried.
        words = [*out, *words[done:]]
        starts = sorted(
            {
                start
                for at in made
                for start in (at - 1, at)
                if 0 <= start < len(words) - 1 and words[start] in _FIRST_WORDS
            }
        )
    return words


def _without_runs(text: str) -> str:
    """The ASCII text with each run of one letter a to z written once ("kiiill" -> "kil").

    Done on the text as one big integer: XOR with itself shifted by one character leaves a
    zero byte where a character repeats the one before it, and the repeats that are letters are
    marked and dropped by translate. Every step is one C call over the text, whatever it holds:
    0.03 ms on each of bench/crisis.py's 4,096-character shapes, where the pattern ([a-z])\1+
    took 0.10-0.20 ms, and 0.41 ms on "aabb" repeated, where it matches every 2 characters.
    """
    data = text.encode("ascii")
    size = len(data)
    whole = int.from_bytes(data, "big")
    repeats = (whole ^ (whole >> 8)).to_bytes(size, "big").translate(_ZERO_MARKED)
    drop = int.from_bytes(repeats, "big") & int.from_bytes(data.translate(_LETTER_MARKED), "big")
    if not drop:
        return text
    return (whole | drop).to_bytes(size, "big").translate(None, _MARKED).decode("ascii")


def tokens(text: str) -> list[str]:
    """The words of a message, folded, with BREAK and COMMA where the clauses break."""
    text = _fold(text)
    if any(digit in text for digit in _DIGITS):
        text = _MANY.sub(f" {_MANY_MARK} ", text)
        text = _NUMBER.sub(f" {_NUMBER_MARK} ", text).translate(_LEET)
        text = text.replace(_MANY_MARK, " 00 ").replace(_NUMBER_MARK, " 0 ")
    text = text.replace("s/h", "sh")
    text = _SPACED.sub(lambda match: match.group(0).replace(" ", "").replace(".", ""), text)
    text = text.replace("'", "").translate(_PUNCTUATION)
    text = text.replace(BREAK, f" {BREAK} ").replace(COMMA, f" {COMMA} ")
    for digraph, vowel in _UMLAUT_DIGRAPHS:  # "waere" and "wäre" read the same
        text = text.replace(digraph, vowel)
    # "kiiill" -> "kil", the way every listed word is read
    return _joined(_without_runs(text).split())
