"""The ticket category model: trained on labelled tickets, saved to and loaded from a folder.

Two logistic regressions whose probabilities are averaged: one over TF-IDF (words 1-2-grams,
characters within words), one over sentence embeddings from all-MiniLM-L6-v2, frozen (int8
ONNX, shipped in ``models/encoder``). The embeddings know that "card stuck in the machine"
and "ATM swallowed it" are the same complaint; TF-IDF knows the exact words. Both train in
seconds on two cores, with no torch: a user's own labels train as fast as the shipped model.
Without the encoder's files a model is TF-IDF only (and says so in ``name``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import joblib
import numpy as np
import sklearn
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from insightbus.common.onnx_text import OnnxTextModel

_ARTIFACT = "model.joblib"
_META = "model.json"
# The model shipped in the package (trained by scripts/train_shipped_model.py).
SHIPPED = Path(__file__).resolve().parents[1] / "models" / "category"
# The frozen sentence encoder (scripts/export_sentence_encoder.py); models refer to it.
ENCODER = Path(__file__).resolve().parents[1] / "models" / "encoder"
# Chosen by cross-validation inside the training split (train_shipped_model.py --fusion).
EMBEDDING_WEIGHT, HEAD_C = 0.5, 50.0


def sentence_encoder(folder: Path = ENCODER) -> OnnxTextModel | None:
    """The shipped encoder, or None when its files are not there."""
    model, tokenizer = folder / "sentence-encoder.onnx", folder / "tokenizer.json"
    if not (model.is_file() and tokenizer.is_file()):
        return None
    return OnnxTextModel(model, tokenizer, "embeddings")


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
    pipeline: Any  # a fitted scikit-learn Pipeline over TF-IDF
    labels: tuple[str, ...]
    head: Any = None  # a fitted LogisticRegression over the encoder's embeddings
    encoder: OnnxTextModel | None = None

    @property
    def name(self) -> str:
        return "minilm-l6-embeddings+tfidf" if self.uses_encoder else "tfidf-logreg"

    @property
    def uses_encoder(self) -> bool:
        return self.head is not None and self.encoder is not None

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        c: float = 20.0,
        features: Features = Features(),
        encoder: OnnxTextModel | Literal["shipped"] | None = "shipped",
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
        encoder = sentence_encoder() if encoder == "shipped" else encoder
        head = None
        if encoder is not None:
            head = LogisticRegression(C=HEAD_C, max_iter=3000)
            head.fit(encoder.run(texts), list(labels))
        return cls(pipeline, tuple(str(x) for x in pipeline.classes_), head, encoder)

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        probabilities = np.asarray(self.pipeline.predict_proba(list(texts)), dtype=np.float64)
        if self.head is not None and self.encoder is not None:
            embedded = self.head.predict_proba(self.encoder.run(texts))
            w = EMBEDDING_WEIGHT
            probabilities = (1 - w) * probabilities + w * embedded
        return probabilities

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if len(texts) == 0:
            return []
        probabilities = self.predict_proba(texts)
        best = probabilities.argmax(axis=1)
        return [
            Prediction(self.labels[j], round(float(probabilities[i, j]), 4))
            for i, j in enumerate(best)
        ]

    def save(self, folder: Path, **meta: Any) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {"pipeline": self.pipeline, "labels": self.labels, "head": self.head},
            folder / _ARTIFACT,
            compress=3,
        )
        info = {
            "labels": list(self.labels),
            "model": self.name,
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
        head = artifact.get("head")  # models saved before the encoder have none
        encoder = sentence_encoder() if head is not None else None
        return cls(artifact["pipeline"], tuple(artifact["labels"]), head, encoder)
