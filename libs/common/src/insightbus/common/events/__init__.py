"""Event contracts: the envelope, the topics and a pydantic model per event type."""

from insightbus.common.events.catalog import REGISTRY, UnknownEventType, json_schemas, parse
from insightbus.common.events.envelope import Envelope, Event, new_id, utcnow

__all__ = [
    "REGISTRY",
    "Envelope",
    "Event",
    "UnknownEventType",
    "json_schemas",
    "new_id",
    "parse",
    "utcnow",
]
