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
from insightbus.analysis.domain.segmentation import split_clauses

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
    """Every non-neutral emotion over its threshold, detected per sentence or clause (one
    batch for all of them); per segment each emotion once, at the sentence where it is
    strongest, which is its excerpt and its time. Intensity is the model's probability."""
    units = [(segment, text, at) for segment in segments for text, at in _clauses(segment)]
    predictions = model.predict([text for _, text, _ in units])
    strongest: dict[tuple[int, str], Emotion] = {}
    for (segment, text, at), labels in zip(units, predictions, strict=True):
        for name, probability in labels:
            if name == NEUTRAL:
                continue
            known = strongest.get((segment.index, name))
            if known is None or probability > known.intensity:
                strongest[(segment.index, name)] = Emotion(
                    name=name,
                    intensity=round(probability, 4),
                    segment=segment.index,
                    timestamp=at,
                    speaker=segment.speaker,
                    excerpt=excerpt(text),
                )
    return sorted(strongest.values(), key=lambda e: (e.segment, -e.intensity))


def _clauses(segment: Segment) -> list[tuple[str, float | None]]:
    """The segment's clauses with their times: the segment's start, spread over its span in
    proportion to where each clause begins when the segment has an end too."""
    clauses = split_clauses(segment.text) or [segment.text]
    if segment.start is None or segment.end is None or len(clauses) == 1:
        return [(clause, segment.start) for clause in clauses]
    span, total = segment.end - segment.start, sum(len(c) for c in clauses)
    timed: list[tuple[str, float | None]] = []
    offset = 0
    for clause in clauses:
        timed.append((clause, round(segment.start + span * offset / total, 3)))
        offset += len(clause)
    return timed
