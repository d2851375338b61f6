"""The analysis steps on the shared worker pool: the ``AnalysisSteps`` port, for the use case."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from insightbus.analysis.adapters import steps
from insightbus.analysis.domain import (
    ActionItemSuggestion,
    Block,
    Emotion,
    Insight,
    Segment,
    Topic,
)
from insightbus.analysis.domain.emotions import EmotionModelChoice
from insightbus.analysis.domain.language import Language
from insightbus.common.workers import WorkerPool


def analysis_pool(
    workers: int, model_path: Path | None, prefer: EmotionModelChoice = "auto"
) -> WorkerPool:
    """``workers`` processes (0: a thread), each loading the emotion model once."""
    return WorkerPool(workers, steps.load_model, (model_path, prefer), name="analysis")


class PooledSteps:
    """Every CPU-bound step off the event loop, in the pool's workers."""

    def __init__(self, pool: WorkerPool, emotion_model: str) -> None:
        self._pool = pool
        self.emotion_model = emotion_model

    async def language(self, blocks: Sequence[Block]) -> Language:
        return await self._pool.run(steps.language_of, blocks)

    async def segments(self, blocks: Sequence[Block]) -> list[Segment]:
        return await self._pool.run(steps.segments_of, blocks)

    async def emotions(self, segments: Sequence[Segment]) -> list[Emotion]:
        return await self._pool.run(steps.emotions_of, segments)

    async def topics(self, segments: Sequence[Segment]) -> list[Topic]:
        return await self._pool.run(steps.topics_of, segments)

    async def insights_and_actions(
        self, segments: Sequence[Segment], emotions: Sequence[Emotion], topics: Sequence[Topic]
    ) -> tuple[list[Insight], list[ActionItemSuggestion]]:
        return await self._pool.run(steps.insights_and_actions_of, segments, emotions, topics)
