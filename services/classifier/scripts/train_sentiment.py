"""Train the ticket sentiment model (negative / neutral / positive) on GoEmotions.

    .venv/bin/python services/classifier/scripts/train_sentiment.py

GoEmotions labels Reddit comments with 27 emotions + neutral, several per comment. Each comment
gets one polarity through the dataset's own grouping (``sentiment_dict.json``):
- a positive emotion and no negative one: positive; a negative one and no positive one:
  negative (neutral or ambiguous labels beside it do not change that);
- only neutral and/or ambiguous emotions (surprise, curiosity, confusion, realization):
  neutral. They carry no polarity, and in tickets they are mostly questions;
- positive *and* negative (mixed, ~2 %): left out of training and scoring; one label would be
  wrong either way.

Only ``train.tsv`` is used for fitting and choosing hyperparameters (a stratified 10 % of it is
held out for the choice: the best macro-F1, or a cheaper configuration within noise of it;
the winner is refitted on all of it). The upstream test split is not
in this repository, so ``dev.tsv`` plays the part of the test set: it is scored once, at the
end, and never used for a decision. Writes the model into the package (``models/sentiment/``).
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from insightbus.classifier.domain.sentiment import LABELS, SHIPPED, SentimentModel

DATA = Path(__file__).resolve().parents[1] / "data" / "goemotions"
SEED = 13
GRID: dict[str, list[Any]] = {
    # Character n-grams beside the words, or none: they help, but making them in Python is
    # most of the prediction's cost, which grows with the number of lengths.
    "chars": [None, (4, 4), (3, 5)],
    "c": [0.5, 1.0],
    "class_weight": [None, "balanced"],
}
# Validation macro-F1 differences below this are noise (its standard error on ~4,200 rows is
# about 0.007): within it of the best, the configuration with the fewest n-gram lengths wins.
TOLERANCE = 0.005


def cost(trial: dict[str, Any]) -> int:
    chars: tuple[int, int] | None = trial["chars"]
    return 0 if chars is None else chars[1] - chars[0] + 1


def polarities() -> tuple[list[str], dict[str, str]]:
    names = (DATA / "labels.txt").read_text().split()
    groups: dict[str, list[str]] = json.loads((DATA / "sentiment_dict.json").read_text())
    return names, {emotion: group for group, emotions in groups.items() for emotion in emotions}


def load(split: str) -> tuple[list[str], list[str], int]:
    """Texts and their polarity; also how many mixed rows were left out."""
    names, polarity = polarities()
    texts, labels, mixed = [], [], 0
    for line in (DATA / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        found = {polarity.get(names[int(i)], "neutral") for i in ids.split(",")}
        positive, negative = "positive" in found, "negative" in found
        if positive and negative:
            mixed += 1
            continue
        texts.append(text)
        labels.append("positive" if positive else "negative" if negative else "neutral")
    return texts, labels, mixed


def build(chars: tuple[int, int] | None, c: float, class_weight: str | None) -> Pipeline:
    parts: list[tuple[str, Any]] = [
        (
            "words",
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32),
        )
    ]
    if chars:
        parts.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=chars,
                    min_df=3,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            )
        )
    classifier = LogisticRegression(C=c, class_weight=class_weight, max_iter=3000)
    return Pipeline([("features", FeatureUnion(parts)), ("classifier", classifier)])


def compact(pipeline: Pipeline) -> Pipeline:
    """float32 weights: half the artifact, the same predictions (the features are float32)."""
    classifier = pipeline.named_steps["classifier"]
    classifier.coef_ = classifier.coef_.astype(np.float32)
    classifier.intercept_ = classifier.intercept_.astype(np.float32)
    return pipeline


def scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    per_class = f1_score(gold, predicted, labels=list(LABELS), average=None)
    return {
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, average="macro")), 4),
        "f1": {label: round(float(f), 4) for label, f in zip(LABELS, per_class, strict=True)},
    }


def main() -> None:
    texts, labels, mixed_train = load("train")
    fit_x, val_x, fit_y, val_y = train_test_split(
        texts, labels, test_size=0.1, stratify=labels, random_state=SEED
    )
    started = time.perf_counter()
    trials = []
    for chars, c, class_weight in itertools.product(*GRID.values()):
        predicted = list(build(chars, c, class_weight).fit(fit_x, fit_y).predict(val_x))
        trial = {"chars": chars, "c": c, "class_weight": class_weight}
        trials.append((scores(val_y, predicted)["macro_f1"], trial))
        print(json.dumps({**trial, "validation_macro_f1": trials[-1][0]}), flush=True)
    top = max(f1 for f1, _ in trials)
    best_f1, best = min(
        (t for t in trials if t[0] >= top - TOLERANCE), key=lambda t: (cost(t[1]), -t[0])
    )

    model = SentimentModel.from_pipeline(compact(build(**best).fit(texts, labels)))
    training_s = round(time.perf_counter() - started, 1)

    # Scored once, with everything decided.
    test_x, test_y, mixed_test = load("dev")
    started = time.perf_counter()
    predicted = [p.label for p in model.predict(test_x)]
    ms = (time.perf_counter() - started) * 1000 / len(test_x)
    majority = max(set(labels), key=labels.count)
    figures = {
        "test": "GoEmotions dev split (never used for fitting or choosing)",
        **scores(test_y, predicted),
        "confusion": {
            "labels": list(LABELS),
            "rows_gold_columns_predicted": confusion_matrix(
                test_y, predicted, labels=list(LABELS)
            ).tolist(),
        },
        "majority_baseline_accuracy": round(test_y.count(majority) / len(test_y), 4),
        "n_test": len(test_x),
        "mixed_left_out": {"train": mixed_train, "test": mixed_test},
        "n_train": len(texts),
        "chosen": best,
        "validation_macro_f1": best_f1,
        "best_validation_macro_f1": top,
        "training_seconds": training_s,
        "ms_per_text": round(ms, 4),
    }
    model.save(
        SHIPPED,
        data="GoEmotions train split (Demszky et al., ACL 2020), CC BY 4.0",
        config="tfidf words 1-2g (+ char_wb n-grams if chosen), multinomial logistic regression",
        **figures,
    )
    figures["artifact_mb"] = round((SHIPPED / "model.joblib").stat().st_size / 1e6, 1)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
