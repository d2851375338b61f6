"""The ticket category model: trained on labelled tickets, saved to and loaded from a folder.

TF-IDF over words (1-2-grams) and characters (2-5-grams within words) feeding a logistic
regression: a strong, fast baseline for short support requests, whose probabilities give the
ticket's confidence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

_ARTIFACT = "model.joblib"
_META = "model.json"
# The model shipped in the package (trained by scripts/train_shipped_model.py).
SHIPPED = Path(__file__).resolve().parents[1] / "models" / "category"


@dataclass(frozen=True)
class Features:
    """What the TF-IDF keeps; fewer features make a smaller artifact."""

    word_min_df: int = 1
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2


def build_pipeline(c: float = 20.0, features: Features = Features()) -> Pipeline:
    union = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=features.word_min_df,
                    dtype=np.float32,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=features.char_ngrams,
                    sublinear_tf=True,
                    min_df=features.char_min_df,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    return Pipeline([("features", union), ("classifier", LogisticRegression(C=c, max_iter=2000))])


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float


@dataclass(frozen=True)
class CategoryModel:
    pipeline: Any  # a fitted scikit-learn Pipeline
    labels: tuple[str, ...]

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        c: float = 20.0,
        features: Features = Features(),
    ) -> CategoryModel:
        if len(texts) != len(labels) or len(texts) == 0:
            raise ValueError("need as many labels as texts, and at least one of each")
        if len(set(labels)) < 2:
            raise ValueError("need at least two different labels to train a classifier")
        pipeline = build_pipeline(c, features).fit(list(texts), list(labels))
        # float32 weights halve the artifact; predictions are unchanged (the features
        # are float32 already).
        classifier = pipeline.named_steps["classifier"]
        classifier.coef_ = classifier.coef_.astype(np.float32)
        classifier.intercept_ = classifier.intercept_.astype(np.float32)
        return cls(pipeline, tuple(str(x) for x in pipeline.classes_))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if len(texts) == 0:
            return []
        probabilities: NDArray[np.floating[Any]] = self.pipeline.predict_proba(list(texts))
        best = probabilities.argmax(axis=1)
        return [
            Prediction(self.labels[j], round(float(probabilities[i, j]), 4))
            for i, j in enumerate(best)
        ]

    def save(self, folder: Path, **meta: Any) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {"pipeline": self.pipeline, "labels": self.labels}, folder / _ARTIFACT, compress=3
        )
        info = {
            "labels": list(self.labels),
            "sklearn_version": sklearn.__version__,
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **meta,
        }
        (folder / _META).write_text(json.dumps(info, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path | None = None) -> CategoryModel:
        """The model saved in ``folder``; None: the one shipped with the package."""
        folder = folder or SHIPPED
        path = folder / _ARTIFACT
        if not path.is_file():
            raise FileNotFoundError(f"no model in {folder} (expected {_ARTIFACT})")
        artifact = joblib.load(path)
        return cls(artifact["pipeline"], tuple(artifact["labels"]))
