"""The analysis on the bus: what it publishes, what it consumes, and the handlers."""

from __future__ import annotations

from insightbus.analysis.app.analysis import ContentAnalysis
from insightbus.common.events import Envelope, topics
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisFailed,
    AnalysisProgressed,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.events.sessions import ContentUploaded
from insightbus.common.topology import Consumer, ServiceTopology


async def on_content_uploaded(
    app: ContentAnalysis, envelope: Envelope, event: ContentUploaded
) -> None:
    await app.content_uploaded(envelope, event)


TOPOLOGY: ServiceTopology[ContentAnalysis] = ServiceTopology(
    service="analysis",
    publishes=(
        AnalysisProgressed,
        EmotionDetected,
        TopicDetected,
        InsightGenerated,
        ActionItemSuggested,
        AnalysisCompleted,
        AnalysisFailed,
    ),
    consumers=(
        # The group's name is where Kafka keeps its offsets: never rename it.
        Consumer("analysis", topics.SESSIONS, {ContentUploaded.type: on_content_uploaded}),
    ),
)
