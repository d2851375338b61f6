"""The ``data`` of the messages about a session's analysis and action items (shared by the
session socket, the user channel and the webhook bodies)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from insightbus.common.events.action_items import ActionItemStatus
from insightbus.common.events.analysis import AnalysisStage
from insightbus.common.messages.base import Message


class ProgressData(Message):
    session_id: str
    content_id: str
    stage: AnalysisStage
    progress: int = Field(ge=0, le=100)


class EmotionData(Message):
    id: str
    name: str
    intensity: float = Field(ge=0, le=1)
    timestamp: float | None = Field(description="seconds from content start")
    segment: int = Field(ge=0)
    speaker: str | None
    excerpt: str
    content_id: str


class TopicData(Message):
    id: str
    label: str
    score: float = Field(ge=0, le=1)
    keywords: list[str]
    segments: list[int]
    content_id: str


class InsightData(Message):
    id: str
    kind: str
    title: str
    description: str
    confidence: float = Field(ge=0, le=1)
    evidence: dict[str, Any]
    content_id: str


class SuggestedActionItemData(Message):
    id: str = Field(description="the id the action item has once the gateway has created it")
    title: str
    segment: int = Field(ge=0)
    excerpt: str
    speaker: str | None
    content_id: str


class AnalysisCompleteData(Message):
    session_id: str
    content_id: str
    emotions: int = Field(ge=0)
    topics: int = Field(ge=0)
    insights: int = Field(ge=0)
    action_items: int = Field(ge=0)
    duration_ms: float = Field(ge=0)
    model: str = Field(description="the emotion model that ran (see analysis.completed v2)")


class AnalysisFailedData(Message):
    session_id: str
    content_id: str
    reason: str


class ActionItemData(Message):
    """An action item as the user's list has it."""

    id: str
    session_id: str
    title: str
    description: str | None
    status: ActionItemStatus
    due_date: datetime | None
    source: Literal["user", "analysis"]
    created_at: datetime
    updated_at: datetime
