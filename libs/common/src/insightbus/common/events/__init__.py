"""Event contracts: the envelope, the topics and a pydantic model per event type."""

from insightbus.common.events.catalog import (
    REGISTRY,
    SUPERSEDED,
    UnknownEventType,
    json_schemas,
    parse,
)
from insightbus.common.events.envelope import (
    Envelope,
    Event,
    EventTooLarge,
    SessionScoped,
    ensure_fits,
    new_id,
    utcnow,
)

__all__ = [
    "REGISTRY",
    "SUPERSEDED",
    "Envelope",
    "Event",
    "EventTooLarge",
    "SessionScoped",
    "UnknownEventType",
    "ensure_fits",
    "json_schemas",
    "new_id",
    "parse",
    "utcnow",
]
