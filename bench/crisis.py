"""CPU time of the crisis detector on one 4,096-character message, for the worst we can build.

Shapes: an ordinary long check-in note; distinct unknown words (every one goes to the spelling
step); leetspeak and censored words (slow paths); spaced letters; a message that is nothing
but look-alikes (every match is checked against the guards); a wall of trigger words that
never make a signal; German with umlauts; a real signal at the very end; words of doubled
letters (a letter run every two characters). Prints the median and the slowest of N runs per
shape in CPU milliseconds, for `signals_crisis` (stops at the first signal) and `categories`
(checks every rule), measured in rounds of one run of each shape. The detector caches
nothing between calls (no memo of messages or words), so each repeat costs what a first-seen
message would. Also compares the spelling step's rapidfuzz batch against a Python deletion
index on the same words.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

# Run as `python bench/crisis.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import cpu_ms, header
from nudgebot.domain.crisis import categories, signals_crisis
from nudgebot.domain.crisis.spelling import TARGETS, Speller

LIMIT = 4096
NOTE = (
    "walked 20 min in the park, had kimchi with lunch and lots of water, slept ok, "
    "work was stressful but i did the breathing exercise and called my sister."
)
LOOKALIKES = (
    "this workout is killing me. dying to try the ramen. cutting myself some slack. "
    "dead tired. ran 5 kms. i cut myself shaving. killed it at the gym. ich sterbe vor "
    "lachen. my legs are killing me."
)
# Key words that make no signal together: every rule is tried, none may stop early.
TRIGGERS = (
    "the kill a cut the die a dead the hurt an end the pills a bridge the rope a train jump i want "
    "wish could"
)


def _fill(words: Callable[[int], str], tail: str = "") -> str:
    parts: list[str] = []
    size = len(tail)
    index = 0
    while True:
        word = words(index)
        if size + len(word) + 1 > LIMIT:
            return " ".join(parts) + tail
        parts.append(word)
        size += len(word) + 1
        index += 1


def messages(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    note = NOTE.split()
    lookalikes = LOOKALIKES.split()
    triggers = TRIGGERS.split()

    def unknown(index: int) -> str:
        length = 5 + index % 6
        # Distinct words sharing letters with the spelling targets, so none is skipped early.
        return rng.choice(TARGETS)[:2] + "".join(rng.choices(string.ascii_lowercase, k=length))

    return {
        "ordinary long note": _fill(lambda i: note[i % len(note)]),
        "distinct unknown words": _fill(unknown),
        "leetspeak words": _fill(lambda i: f"k{i % 10}ll{i % 7}x{rng.randint(0, 99)}"),
        "censored words": _fill(lambda i: f"s*{rng.choice(string.ascii_lowercase)}{i}x"),
        "spaced letters": _fill(lambda i: rng.choice(string.ascii_lowercase)),
        "only look-alikes": _fill(lambda i: lookalikes[i % len(lookalikes)]),
        "trigger words, no signal": _fill(lambda i: triggers[i % len(triggers)]),
        "german with umlauts": _fill(
            lambda i: ("über", "müde", "brücke", "gemüse", "tabletten", "heute", "schön")[i % 7]
        ),
        "signal at the very end": _fill(
            lambda i: note[i % len(note)], tail=" honestly i want to die"
        ),
        "one long word": "a" * (LIMIT // 2) + "b" * (LIMIT // 2),
        "wants with no object": _fill(
            lambda i: ("i", "want", "to", "i", "wish", "i", "could", "my", "not", "so")[i % 10]
        ),
        "80 words, model reads": " ".join(note[i % len(note)] for i in range(80)),
        # Last, so the shapes above keep the random words they had before it was added.
        "doubled letters": _fill(
            lambda i: "".join(letter * 2 for letter in rng.choices(string.ascii_lowercase, k=5))
        ),
    }


def _deletion_index(words: list[str]) -> None:
    index: dict[str, str] = {}
    for target in TARGETS:
        index[target] = target
        for i in range(len(target)):
            index.setdefault(target[:i] + target[i + 1 :], target)
    for word in words:
        if word in index:
            continue
        for i in range(len(word)):
            if word[:i] + word[i + 1 :] in index:
                break


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(header())
    print(f"crisis detector, one message of <= {LIMIT} characters, CPU ms over {args.repeat} runs")
    print(
        f"{'message':<26} {'chars':>5} {'flag':>5}  {'signals med':>11} {'max':>7}"
        f"  {'categories med':>14} {'max':>7}"
    )
    shapes = messages(args.seed)
    quicks: dict[str, list[float]] = {name: [] for name in shapes}
    fulls: dict[str, list[float]] = {name: [] for name in shapes}
    # One run of each shape per round, rather than all runs of one shape together: a burst of
    # load from another process then spreads over every shape instead of moving one median.
    for _ in range(args.repeat):
        for name, text in shapes.items():
            quicks[name] += cpu_ms(partial(signals_crisis, text), 1)
            fulls[name] += cpu_ms(partial(categories, text), 1)
    worst = 0.0
    for name, text in shapes.items():
        flag = signals_crisis(text)
        quick, full = quicks[name], fulls[name]
        worst = max(worst, statistics.median(quick), statistics.median(full))
        print(
            f"{name:<26} {len(text):>5} {flag!s:>5}  {statistics.median(quick):11.3f} "
            f"{max(quick):7.3f}  {statistics.median(full):14.3f} {max(full):7.3f}"
        )
    print(f"worst median: {worst:.3f} ms (goal < 1 ms)")
    words = messages(args.seed)["distinct unknown words"].split()
    speller = Speller()
    fuzzy = statistics.median(cpu_ms(lambda: speller.corrections(set(words)), args.repeat))
    python = statistics.median(cpu_ms(lambda: _deletion_index(words), args.repeat))
    print(
        f"spelling step on {len(set(words))} distinct words: rapidfuzz batch {fuzzy:.3f} ms, "
        f"Python deletion index {python:.3f} ms"
    )


if __name__ == "__main__":
    main()
