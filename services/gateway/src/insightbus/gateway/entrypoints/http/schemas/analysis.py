"""Response bodies of the analysis routes (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from insightbus.gateway.domain.sessions import AnalysisStatus


class AnalysisStatusOut(BaseModel):
    status: AnalysisStatus
    progress: int
    stage: str | None
    error: str | None
    model: str | None = Field(
        description="the emotion model that ran, once completed: 'minilm-l6-goemotions+tfidf' "
        "or 'tfidf-logreg' (the fallback)"
    )
    content_id: str | None
    updated_at: str | None


class EmotionOut(BaseModel):
    id: str
    name: str
    intensity: float
    timestamp: float | None
    segment: int
    speaker: str | None
    excerpt: str
    content_id: str


class TopicOut(BaseModel):
    id: str
    label: str
    score: float
    keywords: list[str]
    segments: list[int]
    content_id: str


class InsightOut(BaseModel):
    id: str
    kind: str
    title: str
    description: str
    confidence: float
    evidence: dict[str, Any]
    content_id: str


class EmotionPage(BaseModel):
    items: list[EmotionOut]
    total: int
    limit: int
    offset: int


class TopicPage(BaseModel):
    items: list[TopicOut]
    total: int
    limit: int
    offset: int


class InsightPage(BaseModel):
    items: list[InsightOut]
    total: int
    limit: int
    offset: int
