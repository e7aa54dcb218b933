"""Recognising a message that signals self-harm or suicidal thoughts (pure; no I/O)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

# Recall matters more than precision here: a false alarm costs one caring message, a miss can
# cost far more. So the phrase lists are generous and the guards below stay narrow.

# Written the way people say them; each phrase is normalised exactly like the message, so
# spelling variants ("kil myself", "k1ll mys3lf", "killlll myself") match the same pattern.
# Inside a phrase "a|b" is a choice, "_" joins the words of one choice ("do_not") and "~" allows
# up to two filler words.
_MYSELF = "myself|my_self|meself|mself|myslef|mysef"
EXPLICIT: tuple[str, ...] = (
    "suicide|suicides",
    "suicidal",
    "kill|killing|end|ending|off|offing|hang|hanging|shoot|shooting|drown|drowning|hurt|hurting"
    f"|harm|harming|cut|cutting {_MYSELF}",
    "end|ending|take|taking my|my_own life",
    "want_to|wanna|wanted_to|wanting_to|ready_to|plan_to|planning_to ~ die",
    "want_to|wanna|wanting_to be dead",
    "wish i was|were dead",
    "self harm|harming|harmed|injury|injure",
    "selfharm",
    "slit|slitting|cut|cutting my wrists|wrist",
    "overdose|overdosing",
    "take|taking|swallow|swallowing all my|the pills",
    "jump|jumping off|from a|the bridge|roof|building",
    "dont|do_not want to live|be_alive|exist",
    "thinking about|of dying|death|ending_it|killing_myself",
    # German, for subscribers who chose Deutsch (umlauts fold: "würde" reads as "wurde").
    "suizid|suizidal|suizidale|suizidgedanken|selbstmord|selbstmordgedanken",
    "mich|mir ~ umbringen|umzubringen|das_leben_nehmen|das_leben_zu_nehmen|etwas_antun"
    "|was_antun|etwas_anzutun|was_anzutun",
    "bringe|bring mich um",
    "will|mochte|wollte|werde ~ sterben|tot_sein",
    "ritze|ritzte mich",
    "mich ~ ritzen|geritzt|selbst_verletzen|selbst_verletzt",
    "selbstverletzung|selbstverletzen|selbstverletzendes",
    "nicht mehr leben|am_leben_sein",
    "vor den|einen zug|lkw ~ springen|werfen|laufen",
    "brucke|dach|hochhaus ~ springen|runterspringen|sturzen",
    "alle|die_ganzen tabletten ~ nehmen|schlucken|einnehmen",
    "nehme|schlucke ~ alle|die_ganzen ~ tabletten",
    "uberdosis",
    "wunschte|wunsche ~ tot",
    "lieber tot",
    "denke ~ ans_sterben|an_den_tod|an_suizid|an_selbstmord",
)
INDIRECT: tuple[str, ...] = (
    "no reason|point ~ live|living",
    "whats|what_is the point of|in living|life|going_on|being_alive",
    "nothing ~ to live for",
    "not worth living",
    "life ~ not|isnt worth it|living",
    "better off without me",
    "better off dead",
    "everyone|everybody|world would be better off",
    "cant|cannot|can_not go on",
    "cant|cannot|can_not do|take this|it anymore|any_more",
    "dont|do_not want to be here anymore|any_more",
    "dont|do_not want to wake up ever|again|tomorrow",
    "hope|wish i dont|never wake up",
    "want|wish it_all|everything to end|stop|be_over",
    "end|ending it all",
    "want_to|wanna|going_to|gonna|ready_to end it|things|everything",
    "feel|feeling like dying",
    "life ~ pointless|meaningless",
    "want_to|wanna ~ disappear|vanish",
    "should_just|might_as_well|could_just die|be_dead|end_it",
    "nobody|no_one|noone would ~ miss me",
    "sleep forever",
    "and never wake up",
    "tired of living|life|being_alive",
    "hate being alive",
    "want to disappear forever",
    "wish i was|were never born",
    "wish i had never been born",
    # German
    "leben ~ keinen|kein sinn",
    "hat alles keinen sinn mehr",
    "besser dran|besser ohne mich",
    "ohne mich besser|besser_dran",
    "halte|halt es|das nicht mehr aus",
    "nicht mehr hier|da sein",
    "nie|nicht mehr aufwachen",
    "will|mochte ~ verschwinden",
    "alles soll aufhoren|enden|vorbei_sein",
    "kann einfach nicht mehr",
    "kann nicht mehr weiter|weitermachen",
    "niemand|keiner wurde ~ vermissen",
    "lebensmude|lebensmuder",
    "wunschte ~ nie geboren",
)
SLANG: tuple[str, ...] = (
    "kms",
    "unalive|unalived|unaliving",
    "sewerslide|sewer_slide",
    "self delete|deleting",
)

# Look-alikes that must not alarm anyone; removed before matching. They run on the text before
# leetspeak and letter runs are folded, so numbers ("5 kms") still read as numbers.
GUARDS: tuple[str, ...] = (
    r"\b\d+(?:[.,]\d+)?\s*kms?\b",  # a distance: "ran 5 kms"
    r"\bkmsl\b",  # "killing myself laughing"
    r"\b(?:kill(?:ed|ing)?\s+myself|die|dying|died)\s+(?:of\s+)?laugh(?:ing|ter)\b",
    r"\bsuicide\s+(?:squad|sprints?|runs?|drills?|doors?|burn|king|silence)\b",
    r"\b(?:political|career|social|commercial|financial)\s+suicide\b",
    r"\bdying\s+to\s+(?:try|see|know|hear|read|go|get|eat|make|taste)\b",
    r"\bto\s+die\s+for\b",
    r"\bdie\s+of\s+(?:embarrassment|boredom|shame|cuteness|envy)\b",
    r"\bkill(?:ed|ing|s)?\s+(?:it|time)\b",
    r"\bkilling\s+myself\s+(?:at|with|over|in)\s+(?:the\s+)?(?:gym|work|workouts?|training)\b",
    r"\bcut\s+myself\s+(?:a|an|some|while|when|on|shaving|cooking|chopping)\b",
    r"\bhurt\s+myself\s+(?:at|while|on|doing|playing|lifting|running|training)\b",
    r"\bcan(?:'?t|not|\s+not)\s+go\s+on\s+(?:a|an|the|my|holidays?|vacation|trips?|walks?|runs?)\b",
    r"\bwant\s+to\s+live\s+(?:in|with|near|at|on|there|abroad|alone)\b",
    r"\b(?:sterbe|sterben|gestorben)\s+(?:fast\s+)?vor\s+(?:lachen|langeweile|hunger|neugier|hitze|kalte)\b",
    r"\bnicht\s+mehr\s+leben\s+(?:in|mit|bei|ohne)\s+(?:der|dem|den|einer|einem|meiner|meinem)\b",
)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})
_LEET = str.maketrans("013457@$", "oieastas")
_LEET_WORD = re.compile(r"[\w@$]*[a-z][\w@$]*")
_CENSOR = re.compile(r"(?<=[a-z])[*#]+(?=[a-z])")
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_RUNS = re.compile(r"([a-z])\1+")
_FILLER = r"(?:\w+\W+){0,2}"
_FUZZY_WORDS = ("suicide", "suicidal")


def _fold(text: str) -> str:
    """Case, quotes and accents folded: what both guards and patterns see first."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_QUOTES))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """The form patterns are matched against: leetspeak read, letter runs collapsed."""
    text = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)
    text = _APOSTROPHE.sub("", text)  # "can't" and "cant" read the same
    text = _CENSOR.sub("*", text)  # "s**icide" -> "s*icide", one letter unknown
    text = text.replace("-", " ")  # "self-harm" -> "self harm"
    return _RUNS.sub(r"\1", text)


def _compile(phrase: str) -> str:
    parts: list[str] = []
    for word in phrase.split():
        if word == "~":
            parts.append(_FILLER)
            continue
        choices = sorted({normalise(_fold(c.replace("_", " "))) for c in word.split("|")}, key=len)
        escaped = (re.escape(choice).replace(r"\ ", r"\W+") for choice in reversed(choices))
        parts.append("(?:" + "|".join(escaped) + r")\W+")
    body = "".join(parts)
    return r"\b" + body.removesuffix(r"\W+") + r"\b"


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_compile(phrase) for phrase in phrases))


@cache
def _guards() -> re.Pattern[str]:
    return re.compile("|".join(GUARDS))


def _within_one_edit(word: str, target: str) -> bool:
    """Damerau distance at most one: a typo such as "suicde", "suicdie" or "siucide"."""
    if abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diffs) <= 1:
            return True
        first, second = diffs[0], diffs[-1]
        return (
            len(diffs) == 2
            and second == first + 1
            and word[first] == target[second]
            and word[second] == target[first]
        )
    shorter, longer = sorted((word, target), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _has_typo_of(words: Iterable[str], targets: Iterable[str]) -> bool:
    wanted = [normalise(target) for target in targets]
    return any(
        len(word) >= 6 and any(_within_one_edit(word, target) for target in wanted)
        for word in words
    )


def categories(text: str) -> frozenset[str]:
    """Which kinds of signal the text carries: 'explicit', 'indirect', 'slang'; empty if none."""
    folded = _guards().sub(" ", _fold(text))
    matched = normalise(folded)
    found: set[str] = set()
    if _pattern(EXPLICIT).search(matched) or _has_typo_of(
        re.findall(r"[a-z*]+", matched), _FUZZY_WORDS
    ):
        found.add("explicit")
    if _pattern(INDIRECT).search(matched):
        found.add("indirect")
    if _pattern(SLANG).search(matched):
        found.add("slang")
    return frozenset(found)


def signals_crisis(text: str) -> bool:
    """True when the message may signal self-harm or suicidal thoughts."""
    return bool(categories(text))
