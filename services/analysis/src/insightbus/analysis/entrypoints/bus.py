"""The analysis on the bus: what it publishes, what it consumes, and the handlers.

Two groups: "analysis" analyses uploaded content; "analysis-graph" projects sessions, the
findings and action items into the graph (subscribed only while the graph is on: turned
on later, it starts from the beginning of its topics and catches up).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from insightbus.analysis.app.application import Analysis
from insightbus.common.events import Envelope, topics
from insightbus.common.events.action_items import (
    ActionItemCreated,
    ActionItemDeleted,
    ActionItemUpdated,
)
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisFailed,
    AnalysisProgressed,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.events.sessions import ContentUploaded, SessionCreated, SessionDeleted
from insightbus.common.topology import Consumer, ServiceTopology

GRAPH_GROUP = "analysis-graph"


async def on_content_uploaded(app: Analysis, envelope: Envelope, event: ContentUploaded) -> None:
    await app.content.content_uploaded(envelope, event)


# --- the graph projector -----------------------------------------------------------------


async def on_session_created(app: Analysis, _: Envelope, event: SessionCreated) -> None:
    await app.projector().session_created(event)


async def on_session_deleted(app: Analysis, _: Envelope, event: SessionDeleted) -> None:
    await app.projector().session_deleted(event)


async def on_emotion_detected(app: Analysis, _: Envelope, event: EmotionDetected) -> None:
    await app.projector().emotions([event])


async def on_emotions_detected(app: Analysis, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.projector().emotions([event for _, event in run])


async def on_topic_detected(app: Analysis, _: Envelope, event: TopicDetected) -> None:
    await app.projector().topics([event])


async def on_topics_detected(app: Analysis, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.projector().topics([event for _, event in run])


async def on_insight_generated(app: Analysis, _: Envelope, event: InsightGenerated) -> None:
    await app.projector().insights([event])


async def on_insights_generated(app: Analysis, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.projector().insights([event for _, event in run])


async def on_action_item_put(
    app: Analysis, _: Envelope, event: ActionItemCreated | ActionItemUpdated
) -> None:
    await app.projector().action_items([event])


async def on_action_items_put(app: Analysis, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.projector().action_items([event for _, event in run])


async def on_action_item_deleted(app: Analysis, _: Envelope, event: ActionItemDeleted) -> None:
    await app.projector().action_item_deleted(event)


TOPOLOGY: ServiceTopology[Analysis] = ServiceTopology(
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
        Consumer(
            GRAPH_GROUP,
            topics.SESSIONS,
            {SessionCreated.type: on_session_created, SessionDeleted.type: on_session_deleted},
        ),
        Consumer(
            GRAPH_GROUP,
            topics.ANALYSIS,
            {
                EmotionDetected.type: on_emotion_detected,
                TopicDetected.type: on_topic_detected,
                InsightGenerated.type: on_insight_generated,
            },
            batches={
                EmotionDetected.type: on_emotions_detected,
                TopicDetected.type: on_topics_detected,
                InsightGenerated.type: on_insights_generated,
            },
        ),
        Consumer(
            GRAPH_GROUP,
            topics.ACTION_ITEMS,
            {
                ActionItemCreated.type: on_action_item_put,
                ActionItemUpdated.type: on_action_item_put,
                ActionItemDeleted.type: on_action_item_deleted,
            },
            batches={
                ActionItemCreated.type: on_action_items_put,
                ActionItemUpdated.type: on_action_items_put,
            },
        ),
    ),
)
