"""Rules compiled to regular expressions over a message written as one character per word."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nudgebot.domain.crisis.lexicon import CLASSES, words_of
from nudgebot.domain.crisis.text import BREAK, COMMA, fold_word

UNKNOWN = "."  # any word no rule names
_FIRST_CODE = 0xE000  # Unicode private use: never a character a message is coded into


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every word the rules name, each with its own character; classes are sets of them."""

    codes: dict[str, str]
    classes: dict[str, frozenset[str]]

    def encode(self, tokens: Iterable[str]) -> str:
        """One character per word, after a leading BREAK (so a rule may start a clause)."""
        get = self.codes.get
        return BREAK + "".join([get(token, UNKNOWN) for token in tokens])


def _split_top(rule: str) -> list[str]:
    items: list[str] = []
    depth = 0
    current = ""
    for char in rule:
        depth += (char == "(") - (char == ")")
        if char == " " and depth == 0:
            if current:
                items.append(current)
            current = ""
        else:
            current += char
    if current:
        items.append(current)
    return items


def _words_in(rules: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for rule in rules:
        for part in re.split(r"[\s/()+?\-]+", rule):
            if part and not part.isupper() and part not in ("|", "$", "^") and part[0] != "~":
                words.update(fold_word(part).split())
    return words


def build_vocabulary(rules: Iterable[str]) -> Vocabulary:
    """Codes for every class word and every word written in a rule."""
    class_words = {name: {fold_word(w) for w in words_of(name)} for name in CLASSES}
    order = {name: index for index, name in enumerate(CLASSES)}

    def membership(word: str) -> tuple[list[int], str]:
        return sorted(order[name] for name, words in class_words.items() if word in words), word

    # Words of one class get neighbouring characters, so most classes compile to a range: a
    # scattered class makes the regex compiler build a 65,536-entry map each time it appears,
    # which was a third of the time it takes to import the detector.
    every = sorted(set().union(*class_words.values(), _words_in(rules)) - {""}, key=membership)
    codes = {word: chr(_FIRST_CODE + index) for index, word in enumerate(every)}
    codes[BREAK] = BREAK
    codes[COMMA] = COMMA
    classes = {name: frozenset(codes[w] for w in words if w) for name, words in class_words.items()}
    return Vocabulary(codes, classes)


class RuleCompiler:
    """Turns one rule (syntax in rules.py) into a regular expression over coded words."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        negations = "".join(sorted(vocabulary.classes["NEG"]))
        self._gap_char = f"[^{re.escape(BREAK)}{negations}]"

    def _simple_codes(self, simple: str) -> str | None:
        """The characters one word or class may be coded as; None for a zero-width item."""
        if simple == "^":  # a coded message starts with BREAK, so this consumes a character
            return BREAK + COMMA
        if simple == "$":
            return None
        if simple == BREAK:
            return BREAK
        if simple.isupper():
            return "".join(sorted(self._vocabulary.classes[simple]))
        words = fold_word(simple).split()
        if len(words) != 1:
            raise ValueError(f"{simple!r} is not one word once folded")
        return self._vocabulary.codes[words[0]]

    def _sequence(self, simples: list[str]) -> str:
        parts: list[str] = []
        for simple in simples:
            if simple == "$":
                parts.append(rf"(?={re.escape(BREAK)}|$)")
            else:
                codes = self._simple_codes(simple)
                assert codes is not None
                parts.append(f"[{re.escape(codes)}]")
        return "".join(parts)

    def _atom(self, atom: str) -> str:
        if atom.startswith("~"):
            return f"{self._gap_char}{{0,{int(atom[1:])}}}"
        inner = atom[1:-1] if atom.startswith("(") and atom.endswith(")") else atom
        alternatives = [alt.split() for alt in inner.split("/")]
        if all(len(alt) == 1 and alt[0] != "$" for alt in alternatives):
            codes = "".join(self._simple_codes(alt[0]) or "" for alt in alternatives)
            return f"[{re.escape(''.join(sorted(set(codes))))}]"
        return "(?:" + "|".join(self._sequence(alt) for alt in alternatives) + ")"

    def needs(self, rule: str) -> tuple[frozenset[str], ...]:
        """Sets of characters a coded message must hold one of each of for the rule to match.

        One set per word or class every match consumes; the likeliest to be missing first
        (the smallest, and last those holding a clause break or comma, which most messages do).
        """
        needed: set[frozenset[str]] = set()
        for item in _split_top(rule):
            if item[0] in "+-~" or item.endswith("?"):
                continue
            inner = item[1:-1] if item.startswith("(") and item.endswith(")") else item
            alternatives = [alt.split() for alt in inner.split("/")]
            codes: set[str] = set()
            for alt in alternatives:
                first = next((s for s in alt if s != "$"), None)
                found = self._simple_codes(first) if first is not None else None
                if found is None:
                    codes = set()
                    break
                codes.update(found)
            if codes:
                needed.add(frozenset(codes))
        if not needed:
            return (frozenset(BREAK),)
        return tuple(
            sorted(
                needed, key=lambda codes: (bool(codes & {BREAK, COMMA}), len(codes), sorted(codes))
            )
        )

    def first(self, rule: str) -> frozenset[str] | None:
        """Characters a match of the rule can start with; None when that is not known."""
        codes: set[str] = set()
        for item in _split_top(rule):
            if item[0] in "+-" and len(item) > 1:
                continue  # a lookahead consumes nothing; the next item starts the match
            if item[0] == "~":
                return None
            optional = item.endswith("?") and len(item) > 1
            body = item.removesuffix("?") if optional else item
            inner = body[1:-1] if body.startswith("(") and body.endswith(")") else body
            for alternative in inner.split("/"):
                simples = alternative.split()
                found = self._simple_codes(simples[0]) if simples else None
                if found is None:
                    return None
                codes.update(found)
            if not optional:
                return frozenset(codes)
        return None

    def compile(self, rule: str) -> str:
        parts: list[str] = []
        for item in _split_top(rule):
            look = ""
            if item[0] in "+-" and len(item) > 1:
                look, item = item[0], item[1:]
            optional = item.endswith("?") and len(item) > 1
            body = self._atom(item.removesuffix("?") if optional else item)
            if optional:
                body = f"(?:{body})?"
            if look == "+":
                body = f"(?={body})"
            elif look == "-":
                body = f"(?!{body})"
            parts.append(body)
        return "".join(parts)
