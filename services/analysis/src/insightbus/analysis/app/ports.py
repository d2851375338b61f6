"""What the analysis use case needs from the outside: its CPU-bound steps, run off the event
loop (``adapters.pool.PooledSteps`` runs them in worker processes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from insightbus.analysis.domain import (
    ActionItemSuggestion,
    Block,
    Emotion,
    Insight,
    Segment,
    Topic,
)
from insightbus.analysis.domain.language import Language


class AnalysisSteps(Protocol):
    emotion_model: str  # the name of the emotion model the steps run

    async def language(self, blocks: Sequence[Block]) -> Language: ...

    async def segments(self, blocks: Sequence[Block]) -> list[Segment]: ...

    async def emotions(self, segments: Sequence[Segment]) -> list[Emotion]: ...

    async def topics(self, segments: Sequence[Segment]) -> list[Topic]: ...

    async def insights_and_actions(
        self, segments: Sequence[Segment], emotions: Sequence[Emotion], topics: Sequence[Topic]
    ) -> tuple[list[Insight], list[ActionItemSuggestion]]: ...
