"""Typed records for the envelopes and the events this consumer reads.

They mirror insightbus' published schemas (``/asyncapi.json``, or
``libs/common/schemas/events.v1.json`` in the repository); nothing here imports insightbus.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import faust


class Envelope(faust.Record, serializer="json", isodates=True):
    """What every message on an insightbus topic is: the event's ``data`` and how to read it."""

    id: str  # unique per event: deduplicate on it (delivery is at least once)
    type: str  # e.g. "emotion.detected"
    version: int  # the schema ``data`` follows
    source: str  # the service that published it
    time: datetime
    key: str  # the Kafka message key: the session id
    correlation_id: str
    data: dict[str, Any]


class EmotionDetected(faust.Record):
    """``emotion.detected`` v1."""

    session_id: str
    user_id: str
    content_id: str
    emotion_id: str
    name: str
    intensity: float
    segment: int
    excerpt: str
    timestamp: float | None = None
    speaker: str | None = None


class TopicDetected(faust.Record):
    """``topic.detected`` v1."""

    session_id: str
    user_id: str
    content_id: str
    topic_id: str
    label: str
    score: float
    keywords: list[str]
    segments: list[int]


class AnalysisCompleted(faust.Record):
    """``analysis.completed`` v2; v1 is the same without ``model``."""

    session_id: str
    user_id: str
    content_id: str
    emotions: int
    topics: int
    insights: int
    action_items: int
    duration_ms: float
    model: str = "tfidf-logreg"  # v1 has no model field: TF-IDF was its only model
