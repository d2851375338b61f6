"""Events the analysis service publishes while and after it analyses a piece of content."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from insightbus.common.events import topics
from insightbus.common.events.envelope import SessionScoped

AnalysisStage = Literal["received", "segmenting", "emotions", "topics", "insights", "completed"]


class AnalysisEvent(SessionScoped):
    topic = topics.ANALYSIS
    content_id: str


class AnalysisProgressed(AnalysisEvent):
    type = "analysis.progressed"
    stage: AnalysisStage
    progress: int = Field(ge=0, le=100)


class EmotionDetected(AnalysisEvent):
    type = "emotion.detected"
    emotion_id: str
    name: str
    intensity: float = Field(ge=0, le=1)
    timestamp: float | None = Field(default=None, description="seconds from content start")
    segment: int = Field(ge=0)
    speaker: str | None = None
    excerpt: str


class TopicDetected(AnalysisEvent):
    type = "topic.detected"
    topic_id: str
    label: str
    score: float = Field(ge=0, le=1)
    keywords: tuple[str, ...]
    segments: tuple[int, ...]


class InsightGenerated(AnalysisEvent):
    type = "insight.generated"
    insight_id: str
    kind: str
    title: str
    description: str
    confidence: float = Field(ge=0, le=1)
    evidence: dict[str, Any]


class ActionItemSuggested(AnalysisEvent):
    type = "action_item.suggested"
    action_item_id: str
    title: str
    segment: int = Field(ge=0)
    excerpt: str
    speaker: str | None = None


class _AnalysisTotals(AnalysisEvent):
    """What every version of ``analysis.completed`` says."""

    emotions: int = Field(ge=0)
    topics: int = Field(ge=0)
    insights: int = Field(ge=0)
    action_items: int = Field(ge=0)
    duration_ms: float = Field(ge=0)


class AnalysisCompleted(_AnalysisTotals):
    type = "analysis.completed"
    version = 2
    model: str = Field(
        description="the emotion model that ran: 'minilm-l6-goemotions+tfidf' (the fine-tuned "
        "encoder fused with TF-IDF) or 'tfidf-logreg' (TF-IDF alone, the fallback)"
    )


class AnalysisCompletedV1(_AnalysisTotals):
    """``analysis.completed`` as published before the encoder: still read, as version 2."""

    type = "analysis.completed"

    def upcast(self) -> AnalysisCompleted:
        return AnalysisCompleted(**self.model_dump(), model="tfidf-logreg")  # v1's only model


class AnalysisFailed(AnalysisEvent):
    type = "analysis.failed"
    reason: str
