"""CPU time of the habit matcher on one 4,096-character note, for the worst notes we can build.

Each note is as long as a Telegram message can be. The shapes are the ones that cost most:
every word a keyword (most hits), keywords among negators (most negation counting), words
never seen before (nothing cached), one endless clause, and many short clauses (alike or all
different). Prints the
median and the slowest of N runs per shape, in CPU milliseconds (time.process_time_ns).
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
from collections.abc import Callable
from pathlib import Path

# Run as `python bench/habit_match.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import cpu_ms, header
from nudgebot.content.loader import load_content
from nudgebot.domain.habit_match import HabitMatcher

LIMIT = 4096


def _fill(words: Callable[[int], str]) -> str:
    parts: list[str] = []
    size = 0
    index = 0
    while True:
        word = words(index)
        if size + len(word) + 1 > LIMIT:
            return " ".join(parts)
        parts.append(word)
        size += len(word) + 1
        index += 1


def notes(matcher_words: list[str], seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    single = [w for w in matcher_words if " " not in w]
    fresh = rng.sample(range(10**6), 2000)
    return {
        "every word a keyword": _fill(lambda i: single[i % len(single)]),
        "keywords and negators": _fill(
            lambda i: ("didn't", "skip", single[i % len(single)], "no")[i % 4]
        ),
        "phrases and their parts": _fill(lambda i: matcher_words[i % len(matcher_words)]),
        "unseen words, one clause": _fill(
            lambda i: "".join(rng.choices(string.ascii_lowercase, k=3 + i % 6))
        ),
        "unseen words with digits": _fill(lambda i: f"w{fresh[i % len(fresh)]}"),
        "many short clauses": _fill(lambda i: ("walked,", "no", "kimchi.", "but", "yoga")[i % 5]),
        # The same, with no clause like another: nothing a cache of clauses could reuse.
        "distinct short clauses": _fill(lambda i: f"walked {i}," if i % 2 else f"no kimchi {i}."),
        "one repeated letter": "a" * LIMIT,
        "german note": _fill(
            lambda i: ("nicht", "gelaufen", "aber", "kimchi", "gegessen", "keinen", "zucker")[i % 7]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    content = load_content()
    keywords = {
        tip.id: (*tip.keywords, *content.for_language("de").tip(tip.id).keywords)
        for tip in content.tips
    }
    matcher = HabitMatcher(keywords)
    all_words = sorted({word for words in keywords.values() for word in words})
    print(header())
    print(f"habit matcher, one note of <= {LIMIT} characters, CPU ms over {args.repeat} runs")
    print(f"{'note':<28} {'chars':>5} {'median':>8} {'max':>8}")
    worst = 0.0
    for name, text in notes(all_words, args.seed).items():
        # A fresh matcher per shape, so nothing learnt on one shape helps the next.
        matcher = HabitMatcher(keywords)
        times = cpu_ms(lambda text=text, matcher=matcher: matcher.match(text), args.repeat)
        worst = max(worst, statistics.median(times))
        print(f"{name:<28} {len(text):>5} {statistics.median(times):8.3f} {max(times):8.3f}")
    print(f"worst median: {worst:.3f} ms (goal <= 2 ms)")


if __name__ == "__main__":
    main()
