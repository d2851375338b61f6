"""Events -> the messages clients receive on a session's socket and a user's channel. Pure.

The messages are dicts built here, byte for byte what clients have always received; their
models (``insightbus.common.messages``) describe them, and the tests validate every message
they receive against those models, so the two cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from insightbus.common.events import Event
from insightbus.common.events.action_items import (
    ActionItemCreated,
    ActionItemDeleted,
    ActionItemEvent,
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
from insightbus.common.events.tickets import TicketsClassified, TicketsFailed

# What a user's own channel is told about, besides each session's socket.
USER_NOTIFICATIONS = frozenset(
    {"analysis_complete", "action_item_created", "action_item_updated", "action_item_deleted"}
)


@dataclass(frozen=True)
class LoggedMessage:
    """A message of a session's socket, as persisted for replay."""

    id: str  # the envelope id
    session_id: str
    seq: int  # 1, 2, ... per session
    type: str
    data: dict[str, Any]

    def wire(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "data": self.data}


@dataclass(frozen=True)
class Appended:
    """What logging a run of messages gave: each message with its number, in order, and
    the envelope ids logged by this call (not before it: redeliveries, other replicas)."""

    messages: list[LoggedMessage]
    new: frozenset[str]


_ACTION_ITEM_TYPES: dict[type[ActionItemEvent], str] = {
    ActionItemCreated: "action_item_created",
    ActionItemUpdated: "action_item_updated",
    ActionItemDeleted: "action_item_deleted",
}


def to_message(event: Event) -> tuple[str, dict[str, Any]] | None:
    """The (type, data) a client sees for ``event``, or None if clients don't see it."""
    match event:
        case AnalysisProgressed():
            return "analysis_progress", {
                "session_id": event.session_id,
                "content_id": event.content_id,
                "stage": event.stage,
                "progress": event.progress,
            }
        case EmotionDetected():
            return "new_emotion", {
                "id": event.emotion_id,
                "name": event.name,
                "intensity": event.intensity,
                "timestamp": event.timestamp,
                "segment": event.segment,
                "speaker": event.speaker,
                "excerpt": event.excerpt,
                "content_id": event.content_id,
            }
        case TopicDetected():
            return "new_topic", {
                "id": event.topic_id,
                "label": event.label,
                "score": event.score,
                "keywords": list(event.keywords),
                "segments": list(event.segments),
                "content_id": event.content_id,
            }
        case InsightGenerated():
            return "new_insight", {
                "id": event.insight_id,
                "kind": event.kind,
                "title": event.title,
                "description": event.description,
                "confidence": event.confidence,
                "evidence": event.evidence,
                "content_id": event.content_id,
            }
        case ActionItemSuggested():
            return "new_action_item", {
                "id": event.action_item_id,
                "title": event.title,
                "segment": event.segment,
                "excerpt": event.excerpt,
                "speaker": event.speaker,
                "content_id": event.content_id,
            }
        case AnalysisCompleted():
            return "analysis_complete", event.model_dump(mode="json", exclude={"user_id"})
        case AnalysisFailed():
            return "analysis_failed", {
                "session_id": event.session_id,
                "content_id": event.content_id,
                "reason": event.reason,
            }
        case ActionItemEvent():
            return _ACTION_ITEM_TYPES[type(event)], event.action_item.model_dump(mode="json")
    return None


def ticket_job_message(event: Event) -> dict[str, Any] | None:
    """What a user's channel says when one of their ticket jobs ends, or None. The
    classified tickets themselves stay out (thousands of rows): clients fetch the result."""
    match event:
        case TicketsClassified():
            return {
                "type": "tickets_classified",
                "session_id": event.session_id,
                "file_name": event.file_name,
                "total_tickets": event.total_tickets,
                "unclassified": len(event.unclassified),
                "counts_by_priority": event.counts_by_priority,
                "counts_by_category": event.counts_by_category,
                "processing_time_ms": event.processing_time_ms,
                "completed_at": event.completed_at.isoformat(),
            }
        case TicketsFailed():
            return {
                "type": "tickets_failed",
                "session_id": event.session_id,
                "file_name": event.file_name,
                "error_message": event.error_message,
                "failed_at": event.failed_at.isoformat(),
            }
    return None
