"""Every event type with its schema: the registry consumers parse envelopes with."""

from __future__ import annotations

from typing import Any

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
from insightbus.common.events.envelope import Envelope, Event
from insightbus.common.events.sessions import ContentUploaded, SessionCreated, SessionDeleted
from insightbus.common.events.tickets import (
    TicketsClassified,
    TicketsFailed,
    TicketsProgressed,
    TicketsSubmitted,
)

EVENT_TYPES: tuple[type[Event], ...] = (
    SessionCreated,
    SessionDeleted,
    ContentUploaded,
    AnalysisProgressed,
    EmotionDetected,
    TopicDetected,
    InsightGenerated,
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisFailed,
    ActionItemCreated,
    ActionItemUpdated,
    ActionItemDeleted,
    TicketsSubmitted,
    TicketsProgressed,
    TicketsClassified,
    TicketsFailed,
)

#: Event types published for systems outside the platform only: no service of ours consumes
#: them, and the topology test accepts that for these alone.
EXTERNAL_ONLY: frozenset[str] = frozenset()

REGISTRY: dict[tuple[str, int], type[Event]] = {(e.type, e.version): e for e in EVENT_TYPES}


class UnknownEventType(LookupError):
    pass


def parse(envelope: Envelope) -> Event:
    """The typed payload of an envelope; raises on unknown types and invalid data."""
    try:
        model = REGISTRY[(envelope.type, envelope.version)]
    except KeyError:
        raise UnknownEventType(f"{envelope.type} v{envelope.version}") from None
    return model.model_validate(envelope.data)


def json_schemas() -> dict[str, dict[str, Any]]:
    """The published schema of each event: ``<type>.v<version>`` -> JSON schema."""
    schemas: dict[str, dict[str, Any]] = {}
    for event in EVENT_TYPES:
        schema = event.model_json_schema()
        schema["x-topic"] = event.topic
        schemas[f"{event.type}.v{event.version}"] = schema
    return schemas
