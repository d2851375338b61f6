"""The emotion model (trained on GoEmotions) and emotion detection on segments.

Two models, one interface: the fine-tuned MiniLM encoder fused with the TF-IDF model
(``0.8 * encoder + 0.2 * TF-IDF``, with thresholds tuned for the fusion), or the TF-IDF
model alone, the fallback when the encoder's files are not beside the TF-IDF artifact or
``prefer`` says ``tfidf``. ``EmotionModel.name`` says which one runs.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import joblib
import numpy as np
from numpy.typing import NDArray

from insightbus.analysis.domain.model import Emotion, Segment, excerpt
from insightbus.analysis.domain.segmentation import split_clauses
from insightbus.common.onnx_text import OnnxTextModel

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "models" / "emotions.joblib"
ENCODER_FILE, TOKENIZER_FILE = "emotions-encoder.onnx", "emotions-tokenizer.json"
NEUTRAL = "neutral"
TFIDF, FUSED = "tfidf-logreg", "minilm-l6-goemotions+tfidf"
EmotionModelChoice = Literal["auto", "tfidf"]

_cache: dict[tuple[Path, str], EmotionModel] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class EmotionModel:
    labels: tuple[str, ...]
    thresholds: NDArray[np.float64]
    pipeline: Any  # a fitted scikit-learn Pipeline
    encoder: OnnxTextModel | None = None  # outputs "probabilities", one per label
    encoder_weight: float = 0.0

    @property
    def name(self) -> str:
        return FUSED if self.encoder is not None else TFIDF

    @classmethod
    def load(cls, path: Path | None = None, prefer: EmotionModelChoice = "auto") -> EmotionModel:
        """Loaded once per path and choice, and shared: the artifacts are read-only."""
        path = (path or DEFAULT_PATH).resolve()
        with _cache_lock:
            if (path, prefer) not in _cache:
                _cache[(path, prefer)] = cls._read(path, prefer)
            return _cache[(path, prefer)]

    @classmethod
    def _read(cls, path: Path, prefer: EmotionModelChoice) -> EmotionModel:
        if not path.is_file():
            raise FileNotFoundError(f"no emotion model at {path}")
        artifact = joblib.load(path)
        labels = tuple(artifact["labels"])
        if model_name(path, prefer) == FUSED:
            fused = artifact.get("fused")
            if not fused:
                raise ValueError(f"{path} has no thresholds for the encoder: run train_emotions.py")
            return cls(
                labels=labels,
                thresholds=np.asarray(fused["thresholds"], dtype=np.float64),
                pipeline=artifact["pipeline"],
                encoder=OnnxTextModel(
                    path.with_name(ENCODER_FILE), path.with_name(TOKENIZER_FILE), "probabilities"
                ),
                encoder_weight=float(fused["weight"]),
            )
        return cls(
            labels=labels,
            thresholds=np.asarray(artifact["thresholds"], dtype=np.float64),
            pipeline=artifact["pipeline"],
        )

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
        tfidf = np.asarray(self.pipeline.predict_proba(list(texts)), dtype=np.float64)
        if self.encoder is None:
            return tfidf
        w = self.encoder_weight
        return w * self.encoder.run(texts) + (1 - w) * tfidf

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


def model_name(path: Path | None = None, prefer: EmotionModelChoice = "auto") -> str:
    """The model ``EmotionModel.load`` picks for these arguments, known without loading it:
    the fused one when the encoder's files are beside the TF-IDF artifact."""
    path = path or DEFAULT_PATH
    encoder = [path.with_name(ENCODER_FILE), path.with_name(TOKENIZER_FILE)]
    return FUSED if prefer == "auto" and all(f.is_file() for f in encoder) else TFIDF


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
