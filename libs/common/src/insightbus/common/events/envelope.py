"""The one envelope every event travels in, and the base class of event payloads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """A fact, named in the past tense. Subclasses set ``type``, ``version`` and ``topic``.

    Payloads are frozen and reject unknown fields so that a producer cannot drift from
    the published schema unnoticed; consumers parse with the schema of the version they
    were written for.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ClassVar[str]
    version: ClassVar[int] = 1
    topic: ClassVar[str]

    def key(self) -> str:
        """The id of the thing this event is about: one thing's events stay in order."""
        raise NotImplementedError


class SessionScoped(Event):
    """An event about one session (or ticket job, which clients know by a session id) of one
    user: keyed by the session, so that its events stay in order on one partition."""

    session_id: str
    user_id: str

    def key(self) -> str:
        return self.session_id


class Envelope(BaseModel):
    """What travels on the bus: an event's data and what a consumer needs to read it."""

    # As serialized, every field is there (the published schema says so).
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    id: str = Field(
        default_factory=new_id,
        description="unique per event, and the same when a fact is re-emitted: deduplicate on it",
    )
    type: str = Field(description="the event type, e.g. 'emotion.detected'")
    version: int = Field(description="the version of the event type's schema that data follows")
    source: str = Field(description="the service that published it")
    time: datetime = Field(default_factory=utcnow, description="when it was published")
    key: str = Field(
        description="what the event is about (the session id): the Kafka message key, so that "
        "one session's events stay in order"
    )
    correlation_id: str = Field(
        default_factory=new_id, description="the request that caused it, through every service"
    )
    data: dict[str, Any] = Field(description="the event: the schema of type at version")

    @classmethod
    def wrap(
        cls,
        event: Event,
        *,
        source: str,
        correlation_id: str | None = None,
        id: str | None = None,
    ) -> Self:
        """``id`` may be derived from the cause, so re-emitting the same fact after a
        crash yields the same envelope id and consumers can drop the duplicate."""
        return cls(
            id=id or new_id(),
            type=event.type,
            version=event.version,
            source=source,
            key=event.key(),
            correlation_id=correlation_id or new_id(),
            data=event.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Self:
        return cls.model_validate_json(raw)


#: Room the envelope around an event's data takes on the bus.
ENVELOPE_OVERHEAD_BYTES = 4096


class EventTooLarge(ValueError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the event is {size} bytes; the bus takes {limit}")
        self.size = size
        self.limit = limit


def ensure_fits(event: Event, max_message_bytes: int) -> None:
    """Raise ``EventTooLarge`` unless ``event`` fits on the bus in its envelope. Measured as
    serialized: data can grow several times larger than the file it came from."""
    size = len(event.__pydantic_serializer__.to_json(event))
    if size + ENVELOPE_OVERHEAD_BYTES > max_message_bytes:
        raise EventTooLarge(size, max_message_bytes)
