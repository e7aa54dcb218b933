"""Would a small trained model beside the crisis rules find more on unseen messages?

Trains linear classifiers (logistic regression) on the TUNE part of the labelled set only, in
two forms small enough to ship and fast enough to run: word unigrams and bigrams of the
detector's own folded words, and character 2-5-grams. Prints, for each, 5-fold
cross-validated recall and false alarms on TUNE, then on the HOLDOUT part: the rules alone,
the model alone, and rules OR model at several thresholds, per category. The rules ship
alone unless rules OR model finds more on the holdout at no more false alarms.

Needs scikit-learn (`pip install scikit-learn`); the bot itself does not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as `python bench/crisis_model.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from bench.delivery import command_line
from nudgebot.domain.crisis import signals_crisis
from nudgebot.domain.crisis.text import BREAK, COMMA, tokens

DATA = Path(__file__).resolve().parent.parent / "tests" / "unit" / "crisis_data"
Part = dict[str, dict[str, list[str]]]


def load(name: str) -> Part:
    part: Part = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return part


def flat(part: Part) -> tuple[list[str], list[int], list[str]]:
    texts: list[str] = []
    labels: list[int] = []
    kinds: list[str] = []
    for side, categories in part.items():
        for kind, items in categories.items():
            texts += items
            labels += [int(side == "positive")] * len(items)
            kinds += [kind] * len(items)
    return texts, labels, kinds


def folded_words(text: str) -> str:
    return " ".join(word for word in tokens(text) if word not in (BREAK, COMMA))


def report(name: str, flags: list[bool], labels: list[int], kinds: list[str]) -> str:
    per_kind: dict[str, list[int]] = {}
    for flag, label, kind in zip(flags, labels, kinds, strict=True):
        if label:
            per_kind.setdefault(kind, []).append(int(flag))
    recall = sum(f for f, label in zip(flags, labels, strict=True) if label) / sum(labels)
    negatives = [f for f, label in zip(flags, labels, strict=True) if not label]
    cells = " ".join(f"{kind[:6]}={sum(v) / len(v):.0%}" for kind, v in per_kind.items())
    return (
        f"  {name:<34} recall {recall:6.1%}  false alarms {sum(negatives):>2}/{len(negatives)}"
        f" = {sum(negatives) / len(negatives):5.1%}  {cells}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--thresholds", default="0.5,0.7,0.8,0.9,0.95")
    parser.add_argument(
        "--no-holdout", action="store_true", help="cross-validate on TUNE only, never look"
    )
    args = parser.parse_args()
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.pipeline import make_pipeline
    except ImportError:
        print("this benchmark needs scikit-learn: pip install scikit-learn")
        raise SystemExit(2) from None
    print(f"$ {command_line()}")
    tune_texts, tune_labels, tune_kinds = flat(load("tune"))
    hold_texts, hold_labels, hold_kinds = flat(load("holdout"))
    thresholds = [float(t) for t in args.thresholds.split(",")]
    models = {
        "words 1-2": lambda: make_pipeline(
            TfidfVectorizer(preprocessor=folded_words, ngram_range=(1, 2), min_df=2),
            LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
        ),
        "chars 2-5": lambda: make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, lowercase=True),
            LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
        ),
    }
    rules_hold = [signals_crisis(text) for text in hold_texts]
    print(f"TUNE {len(tune_texts)} messages, HOLDOUT {len(hold_texts)} messages")
    if not args.no_holdout:
        print("HOLDOUT, rules alone:")
        print(report("rules", rules_hold, hold_labels, hold_kinds))
    for name, build in models.items():
        print(f"model {name}:")
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        cv = cross_val_predict(
            build(), tune_texts, tune_labels, cv=folds, method="predict_proba"
        )
        for threshold in thresholds:
            flags = [p[1] >= threshold for p in cv]
            print(report(f"TUNE 5-fold, model >= {threshold}", flags, tune_labels, tune_kinds))
        if args.no_holdout:
            continue
        model = build().fit(tune_texts, tune_labels)
        scores = model.predict_proba(hold_texts)[:, 1]
        for threshold in thresholds:
            alone = [score >= threshold for score in scores]
            both = [r or m for r, m in zip(rules_hold, alone, strict=True)]
            print(report(f"HOLDOUT model >= {threshold}", alone, hold_labels, hold_kinds))
            print(report(f"HOLDOUT rules OR model >= {threshold}", both, hold_labels, hold_kinds))


if __name__ == "__main__":
    main()
