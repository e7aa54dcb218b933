"""Does the trained model beside the crisis rules find more on unseen messages?

1. Cross-validation on TUNE (needs scikit-learn): the training configuration of
   tools/train_crisis_model.py, 5 shuffled folds, model alone, recall and false alarms at
   several thresholds.
2. HOLDOUT (never trained or tuned on): the rules alone, the shipped model alone, and both
   (what `signals_crisis` does), recall per category and false alarms.

The decision rule, fixed before the holdout was first scored: the model ships if, on the
holdout, rules OR model finds more than the rules alone and flags at most one more harmless
message, with false alarms still at or under 5%.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as `python bench/crisis_model.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import yaml

from bench.measure import header
from nudgebot.domain.crisis import categories

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "unit" / "crisis_data"
Part = dict[str, dict[str, list[str]]]


def load(name: str) -> Part:
    part: Part = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return part


def flat(part: Part) -> tuple[list[str], list[int], list[str]]:
    texts: list[str] = []
    labels: list[int] = []
    kinds: list[str] = []
    for side, groups in part.items():
        for kind, items in groups.items():
            texts += items
            labels += [int(side == "positive")] * len(items)
            kinds += [kind] * len(items)
    return texts, labels, kinds


def report(name: str, flags: list[bool], labels: list[int], kinds: list[str]) -> str:
    per_kind: dict[str, list[int]] = {}
    for flag, label, kind in zip(flags, labels, kinds, strict=True):
        if label:
            per_kind.setdefault(kind, []).append(int(flag))
    pairs = list(zip(flags, labels, strict=True))
    recall = sum(f for f, label in pairs if label) / sum(labels)
    negatives = [f for f, label in pairs if not label]
    cells = " ".join(f"{kind[:6]}={sum(v) / len(v):.0%}" for kind, v in per_kind.items())
    return (
        f"  {name:<30} recall {recall:6.1%}  false alarms {sum(negatives):>2}/{len(negatives)}"
        f" = {sum(negatives) / len(negatives):4.1%}  {cells}"
    )


def cross_validate(thresholds: list[float]) -> None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.pipeline import make_pipeline
        from train_crisis_model import C, analyse
    except ImportError:
        print("(cross-validation skipped: it needs scikit-learn, pip install -e '.[train]')")
        return
    texts, labels, kinds = flat(load("tune"))
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer=analyse, min_df=2, sublinear_tf=True),
        LogisticRegression(C=C, class_weight="balanced", max_iter=5000),
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    scores = cross_val_predict(pipeline, texts, labels, cv=folds, method="predict_proba")[:, 1]
    print(f"TUNE, {len(texts)} messages, 5-fold cross-validation of the model alone:")
    for threshold in thresholds:
        flags = [float(score) >= threshold for score in scores]
        print(report(f"model >= {threshold}", flags, labels, kinds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--thresholds", default="0.7,0.8,0.85,0.9")
    args = parser.parse_args()
    print(header())
    cross_validate([float(t) for t in args.thresholds.split(",")])
    texts, labels, kinds = flat(load("holdout"))
    found = [categories(text) for text in texts]
    rules = [bool(kinds_found - {"model"}) for kinds_found in found]
    model = ["model" in kinds_found for kinds_found in found]
    both = [r or m for r, m in zip(rules, model, strict=True)]
    print(f"HOLDOUT, {len(texts)} messages, shipped rules and model:")
    print(report("rules alone", rules, labels, kinds))
    print(report("model alone", model, labels, kinds))
    print(report("rules OR model (shipped)", both, labels, kinds))


if __name__ == "__main__":
    main()
