"""TOPOLOGY: what the gateway publishes, and what it consumes into its read models.

Group names are those of the first version: Kafka stores consumer offsets under them.
``tickets.submitted`` (the gateway's own, and the largest event) has no handler in
"gateway-tickets", so it is acknowledged without being parsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from insightbus.common.events.tickets import (
    TicketsClassified,
    TicketsFailed,
    TicketsProgressed,
    TicketsSubmitted,
)
from insightbus.common.topology import Consumer, ServiceTopology
from insightbus.gateway.app.gateway import Gateway


async def on_analysis_progressed(app: Gateway, _: Envelope, event: AnalysisProgressed) -> None:
    await app.analysis_projector.progressed(event)


async def on_analysis_completed(app: Gateway, _: Envelope, event: AnalysisCompleted) -> None:
    await app.analysis_projector.completed(event)


async def on_analysis_failed(app: Gateway, _: Envelope, event: AnalysisFailed) -> None:
    await app.analysis_projector.failed(event)


async def on_emotion_detected(app: Gateway, _: Envelope, event: EmotionDetected) -> None:
    await app.analysis_projector.emotions([event])


async def on_emotions_detected(app: Gateway, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.analysis_projector.emotions([event for _, event in run])


async def on_topic_detected(app: Gateway, _: Envelope, event: TopicDetected) -> None:
    await app.analysis_projector.topics([event])


async def on_topics_detected(app: Gateway, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.analysis_projector.topics([event for _, event in run])


async def on_insight_generated(app: Gateway, _: Envelope, event: InsightGenerated) -> None:
    await app.analysis_projector.insights([event])


async def on_insights_generated(app: Gateway, run: Sequence[tuple[Envelope, Any]]) -> None:
    await app.analysis_projector.insights([event for _, event in run])


async def on_action_item_suggested(
    app: Gateway, envelope: Envelope, event: ActionItemSuggested
) -> None:
    await app.analysis_projector.action_item_suggested(event, envelope)


async def on_tickets_progressed(app: Gateway, _: Envelope, event: TicketsProgressed) -> None:
    await app.ticket_projector.progressed(event)


async def on_tickets_classified(app: Gateway, _: Envelope, event: TicketsClassified) -> None:
    await app.ticket_projector.classified(event)


async def on_tickets_failed(app: Gateway, _: Envelope, event: TicketsFailed) -> None:
    await app.ticket_projector.failed(event)


TOPOLOGY: ServiceTopology[Gateway] = ServiceTopology(
    "gateway",
    publishes=(
        SessionCreated,
        SessionDeleted,
        ContentUploaded,
        ActionItemCreated,
        ActionItemUpdated,
        ActionItemDeleted,
        TicketsSubmitted,
    ),
    consumers=(
        Consumer(
            "gateway",
            topics.ANALYSIS,
            {
                AnalysisProgressed.type: on_analysis_progressed,
                AnalysisCompleted.type: on_analysis_completed,
                AnalysisFailed.type: on_analysis_failed,
                EmotionDetected.type: on_emotion_detected,
                TopicDetected.type: on_topic_detected,
                InsightGenerated.type: on_insight_generated,
                ActionItemSuggested.type: on_action_item_suggested,
            },
            batches={
                EmotionDetected.type: on_emotions_detected,
                TopicDetected.type: on_topics_detected,
                InsightGenerated.type: on_insights_generated,
            },
        ),
        Consumer(
            "gateway-tickets",
            topics.TICKETS,
            {
                TicketsProgressed.type: on_tickets_progressed,
                TicketsClassified.type: on_tickets_classified,
                TicketsFailed.type: on_tickets_failed,
            },
        ),
    ),
)
