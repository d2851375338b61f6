"""The emotion model (trained on GoEmotions) and emotion detection on segments."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from numpy.typing import NDArray

from insightbus.analysis.domain.model import Emotion, Segment, excerpt

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "models" / "emotions.joblib"
NEUTRAL = "neutral"

_cache: dict[Path, EmotionModel] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class EmotionModel:
    labels: tuple[str, ...]
    thresholds: NDArray[np.float64]
    pipeline: Any  # a fitted scikit-learn Pipeline

    @classmethod
    def load(cls, path: Path | None = None) -> EmotionModel:
        """Loaded once per path and shared: the artifact is read-only after training."""
        path = (path or DEFAULT_PATH).resolve()
        with _cache_lock:
            if path not in _cache:
                if not path.is_file():
                    raise FileNotFoundError(f"no emotion model at {path}")
                artifact = joblib.load(path)
                _cache[path] = cls(
                    labels=tuple(artifact["labels"]),
                    thresholds=np.asarray(artifact["thresholds"], dtype=np.float64),
                    pipeline=artifact["pipeline"],
                )
            return _cache[path]

    @cached_property
    def word_idf(self) -> dict[str, float]:
        """How rare each word is in the training corpus; topics use it to find the
        words that make a session specific."""
        words = dict(self.pipeline.named_steps["features"].transformer_list)["words"]
        return {
            term: float(words.idf_[j]) for term, j in words.vocabulary_.items() if " " not in term
        }

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        if not texts:
            return np.zeros((0, len(self.labels)))
        return np.asarray(self.pipeline.predict_proba(list(texts)), dtype=np.float64)

    def decide(self, probabilities: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Labels over their tuned threshold; where none is, the most probable label."""
        chosen = probabilities >= self.thresholds
        empty = ~chosen.any(axis=1)
        if empty.any():
            best = probabilities[empty].argmax(axis=1)
            chosen[np.flatnonzero(empty), best] = True
        return chosen

    def predict(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        probabilities = self.predict_proba(texts)
        chosen = self.decide(probabilities)
        results = []
        for row, picks in zip(probabilities, chosen, strict=True):
            labels = [(self.labels[j], float(row[j])) for j in np.flatnonzero(picks)]
            results.append(sorted(labels, key=lambda pair: -pair[1]))
        return results


def detect_emotions(model: EmotionModel, segments: Sequence[Segment]) -> list[Emotion]:
    """Every non-neutral emotion over its threshold, per segment; intensity is the
    model's probability."""
    predictions = model.predict([s.text for s in segments])
    emotions = []
    for segment, labels in zip(segments, predictions, strict=True):
        for name, probability in labels:
            if name == NEUTRAL:
                continue
            emotions.append(
                Emotion(
                    name=name,
                    intensity=round(probability, 4),
                    segment=segment.index,
                    timestamp=segment.start,
                    speaker=segment.speaker,
                    excerpt=excerpt(segment.text),
                )
            )
    return emotions
