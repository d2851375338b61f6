"""Every event type with its schema: the registry consumers parse envelopes with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from insightbus.common.events.action_items import (
    ActionItemCreated,
    ActionItemDeleted,
    ActionItemUpdated,
)
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisCompletedV1,
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

#: Earlier versions of an event type, still read (a log written before an upgrade holds
#: them): each is validated with its own schema, then brought up to the current version,
#: so that a consumer handles one shape. Their schemas stay published.
SUPERSEDED: dict[tuple[str, int], tuple[type[Event], Callable[[Any], Event]]] = {
    (AnalysisCompletedV1.type, AnalysisCompletedV1.version): (
        AnalysisCompletedV1,
        AnalysisCompletedV1.upcast,
    ),
}


class UnknownEventType(LookupError):
    pass


def parse(envelope: Envelope) -> Event:
    """The typed payload of an envelope; raises on unknown types and invalid data."""
    key = (envelope.type, envelope.version)
    if key in SUPERSEDED:
        earlier, upcast = SUPERSEDED[key]
        return upcast(earlier.model_validate(envelope.data))
    try:
        model = REGISTRY[key]
    except KeyError:
        raise UnknownEventType(f"{envelope.type} v{envelope.version}") from None
    return model.model_validate(envelope.data)


def versions() -> list[type[Event]]:
    """Every model of every event type, in catalog order: each current version followed by
    the earlier versions still read, newest first."""
    found: list[type[Event]] = []
    for current in EVENT_TYPES:
        earlier = [e for e, _ in SUPERSEDED.values() if e.type == current.type]
        found += [current, *sorted(earlier, key=lambda e: -e.version)]
    return found


def json_schemas() -> dict[str, dict[str, Any]]:
    """The published schema of each event: ``<type>.v<version>`` -> JSON schema, the
    earlier versions still read after the current one."""
    schemas: dict[str, dict[str, Any]] = {}
    for event in versions():
        schema = event.model_json_schema()
        schema["x-topic"] = event.topic
        schemas[f"{event.type}.v{event.version}"] = schema
    return schemas
