"""The ticket sentiment model: negative, neutral or positive, with the model's probability.

Trained on GoEmotions (Reddit comments, Demszky et al. 2020, CC BY 4.0) by
``scripts/train_sentiment.py``: the emotions are grouped into polarities with the dataset's own
``sentiment_dict.json``; see ``data/goemotions/README.md`` for how mixed and ambiguous rows are
treated. A folder holds ``model.joblib`` (the fitted pipeline and its labels) and ``model.json``
(how it was trained, and its figures).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, cast

import joblib
import numpy as np
import sklearn
from numpy.typing import NDArray

Sentiment = Literal["negative", "neutral", "positive"]
LABELS: Final[tuple[Sentiment, ...]] = ("negative", "neutral", "positive")
# The model shipped in the package.
SHIPPED = Path(__file__).resolve().parents[1] / "models" / "sentiment"
_ARTIFACT = "model.joblib"
_META = "model.json"


class SentimentModelError(ValueError):
    """The folder holds something that is not a usable sentiment model."""


@dataclass(frozen=True)
class SentimentPrediction:
    label: Sentiment
    confidence: float  # the model's probability of that label


@dataclass(frozen=True)
class SentimentModel:
    pipeline: Any  # a fitted scikit-learn Pipeline with predict_proba
    labels: tuple[Sentiment, ...]  # in the order of the pipeline's probability columns

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> SentimentModel:
        classes = tuple(str(c) for c in pipeline.classes_)
        if sorted(classes) != sorted(LABELS):
            raise SentimentModelError(f"expected the labels {LABELS}, found {classes}")
        return cls(pipeline, cast(tuple[Sentiment, ...], classes))

    @classmethod
    def load(cls, folder: Path | None = None) -> SentimentModel:
        """The model saved in ``folder``; None: the one shipped with the package.

        Raises FileNotFoundError when there is no model there, SentimentModelError when the
        file is not one (corrupt, or another kind of model)."""
        folder = folder or SHIPPED
        path = folder / _ARTIFACT
        if not path.is_file():
            raise FileNotFoundError(f"no sentiment model in {folder} (expected {_ARTIFACT})")
        try:
            artifact = joblib.load(path)
            model = cls.from_pipeline(artifact["pipeline"])
        except SentimentModelError as exc:
            raise SentimentModelError(f"{path}: {exc}") from exc
        except Exception as exc:  # unpickling garbage raises almost anything
            raise SentimentModelError(
                f"{path} is not a sentiment model ({type(exc).__name__}: {exc})"
            ) from exc
        return model

    def save(self, folder: Path, **meta: Any) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump({"pipeline": self.pipeline}, folder / _ARTIFACT, compress=3)
        info = {
            "labels": list(self.labels),
            "sklearn_version": sklearn.__version__,
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **meta,
        }
        (folder / _META).write_text(json.dumps(info, indent=2) + "\n")

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.floating[Any]]:
        """One row per text, one column per label (in ``self.labels`` order)."""
        if len(texts) == 0:
            return np.zeros((0, len(self.labels)))
        probabilities: NDArray[np.floating[Any]] = self.pipeline.predict_proba(list(texts))
        return probabilities

    def predict(self, texts: Sequence[str]) -> list[SentimentPrediction]:
        """Every text at once: the vectorizer and the dot product run over the whole batch."""
        probabilities = self.predict_proba(texts)
        best = probabilities.argmax(axis=1)
        return [
            SentimentPrediction(self.labels[j], round(float(probabilities[i, j]), 4))
            for i, j in enumerate(best)
        ]
