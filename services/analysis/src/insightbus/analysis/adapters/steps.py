"""The analysis steps as they run in a worker process (or, with no workers, on a thread).

Each worker loads the emotion model once (``load_model``, the pool's initializer); the steps
are top-level functions, so that the pool can pickle them by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from insightbus.analysis.domain import (
    ActionItemSuggestion,
    Block,
    Emotion,
    EmotionModel,
    Insight,
    Segment,
    Topic,
    derive_insights,
    detect_emotions,
    extract_topics,
    segment_blocks,
    suggest_action_items,
)
from insightbus.analysis.domain.emotions import EmotionModelChoice
from insightbus.analysis.domain.language import Language, identify

_model_path: Path | None = None
_prefer: EmotionModelChoice = "auto"


def load_model(model_path: Path | None, prefer: EmotionModelChoice) -> None:
    global _model_path, _prefer
    _model_path, _prefer = model_path, prefer
    model = EmotionModel.load(model_path, prefer)
    _ = model.word_idf  # computed once here rather than on the first upload
    model.predict(["warm up"])  # and onnxruntime's first run, which allocates
    identify("warm up")  # and the language model loaded


def _model() -> EmotionModel:
    return EmotionModel.load(_model_path, _prefer)


def language_of(blocks: Sequence[Block]) -> Language:
    return identify(" ".join(b.text for b in blocks))


def segments_of(blocks: Sequence[Block]) -> list[Segment]:
    return segment_blocks(blocks)


def emotions_of(segments: Sequence[Segment]) -> list[Emotion]:
    return detect_emotions(_model(), segments)


def topics_of(segments: Sequence[Segment]) -> list[Topic]:
    return extract_topics(segments, 8, _model().word_idf)


def insights_and_actions_of(
    segments: Sequence[Segment], emotions: Sequence[Emotion], topics: Sequence[Topic]
) -> tuple[list[Insight], list[ActionItemSuggestion]]:
    return derive_insights(segments, emotions, topics), suggest_action_items(segments)
