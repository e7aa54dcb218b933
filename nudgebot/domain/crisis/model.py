"""A small linear model on the detector's own words: a second opinion where no rule matched."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise

from nudgebot.domain.crisis.text import BREAK, COMMA

MODEL_FILE = "model.json"
# Trained on messages of a few dozen words; in a longer one every word weighs little and the
# rules alone decide, which also keeps the cost of a 4,096-character message flat.
MAX_WORDS = 80


def features(words: Sequence[str]) -> list[str]:
    """Words of two characters or more, and each pair of neighbours: what the model weighs."""
    kept = [word for word in words if len(word) > 1 and word not in (BREAK, COMMA)]
    return kept + [f"{first} {second}" for first, second in pairwise(kept)]


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Logistic regression over tf-idf features (sublinear tf, l2 norm), as trained."""

    intercept: float
    threshold: float
    weights: Mapping[str, tuple[float, float]]  # feature -> (idf, coefficient)
    trained_on_sha256: str

    def probability(self, words: Sequence[str]) -> float:
        dot = 0.0
        norm = 0.0
        for feature, count in Counter(features(words)).items():
            entry = self.weights.get(feature)
            if entry is None:
                continue
            value = (1.0 + math.log(count)) * entry[0]
            norm += value * value
            dot += value * entry[1]
        score = self.intercept + (dot / math.sqrt(norm) if norm else 0.0)
        return 1.0 / (1.0 + math.exp(-score))

    def flags(self, words: Sequence[str]) -> bool:
        """True when a message of at most MAX_WORDS words scores at or above the threshold."""
        size = len(words) - words.count(BREAK) - words.count(COMMA)
        return 0 < size <= MAX_WORDS and self.probability(words) >= self.threshold


def from_json(text: str) -> LinearModel:
    data = json.loads(text)
    return LinearModel(
        intercept=float(data["intercept"]),
        threshold=float(data["threshold"]),
        weights={term: (float(idf), float(coef)) for term, (idf, coef) in data["terms"].items()},
        trained_on_sha256=str(data["trained_on_sha256"]),
    )


def load_model() -> LinearModel:
    """The model shipped in this package (tools/train_crisis_model.py writes it).

    Read once, when the detector is imported, as package data: no file is opened per message
    and nothing is fetched, so the detector stays a pure function of the message.
    """
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return from_json(text)
