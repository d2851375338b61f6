"""``WS /api/v1/ws/{user_id}``: what a user's channel sends.

A socket authenticated as the user gets their notifications: the end of an analysis and
their action items' changes (the session socket's message plus ``session_id``), the end of
their ticket jobs (``tickets_classified``: counts only, the tickets are fetched over HTTP;
``tickets_failed``) and ``webhook_disabled``. Every socket gets answers to what it sends:
``pong``, ``echo``, ``motivation_generated`` and ``error``; the user's own sockets also
``presence`` (their devices), then ``joined`` and ``left``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from insightbus.common.messages.base import Message, PresentConnection
from insightbus.common.messages.data import ActionItemData, AnalysisCompleteData


class UserAnalysisComplete(Message):
    type: Literal["analysis_complete"]
    id: str = Field(description="the event's id, the same as on the session socket")
    data: AnalysisCompleteData
    session_id: str


class UserActionItemChanged(Message):
    """See ``action_item_created`` on the session socket."""

    type: Literal["action_item_created", "action_item_updated", "action_item_deleted"]
    id: str = Field(description="the event's id, the same as on the session socket")
    data: ActionItemData
    session_id: str


class TicketsClassifiedMessage(Message):
    """A ticket job ended; ``session_id`` is the job's id (fetch the tickets over HTTP)."""

    type: Literal["tickets_classified"]
    session_id: str
    file_name: str
    total_tickets: int = Field(ge=0)
    unclassified: int = Field(ge=0, description="how many rows could not be classified")
    counts_by_priority: dict[str, int]
    counts_by_category: dict[str, int]
    processing_time_ms: float = Field(ge=0)
    completed_at: str = Field(description="ISO 8601")
    id: str = Field(description="the event's id: a message is sent once per id")


class TicketsFailedMessage(Message):
    type: Literal["tickets_failed"]
    session_id: str
    file_name: str
    error_message: str
    failed_at: str = Field(description="ISO 8601")
    id: str = Field(description="the event's id: a message is sent once per id")


class WebhookDisabledMessage(Message):
    """One of the user's webhook endpoints was disabled (410 Gone, or failing too long)."""

    type: Literal["webhook_disabled"]
    webhook_id: str
    url: str
    reason: str


class UserPong(Message):
    type: Literal["pong"]
    user_id: str
    message: Literal["Pong!"]


class Echo(Message):
    """A message of a type the channel does not know, echoed."""

    type: Literal["echo"]
    user_id: str
    message: str = Field(description="Received: <what the client sent>")


class MotivationGenerated(Message):
    """The answer to ``motivation_requested`` (``current_challenge`` and ``stress_level``
    both optional: without a challenge the message is a general one)."""

    type: Literal["motivation_generated"]
    user_id: str
    motivation_text: str
    current_challenge: str = Field(description="as sent; empty when none was sent")
    stress_level: int = Field(ge=1, le=10, description="as sent; 5 when none was sent")


class UserErrorDetail(Message):
    loc: list[Any]
    msg: str


class UserError(Message):
    """A client message the channel could not take; the socket stays open."""

    type: Literal["error"]
    user_id: str
    message: str
    details: list[UserErrorDetail] | None = None


class UserPresence(Message):
    """The answer to ``{"type": "presence"}`` (with the user's token): the user's
    devices, every authenticated channel of theirs on any replica, this one included. From
    then on the socket gets ``joined`` and ``left``."""

    type: Literal["presence"]
    user_id: str
    you: str = Field(description="this socket's connection_id")
    connections: list[PresentConnection] = Field(description="in the order they connected")


class UserPresenceChange(Message):
    """One of the user's devices connected (``joined``) or went away (``left``: closed,
    or lost with its replica); sent to sockets that asked for ``presence``."""

    type: Literal["joined", "left"]
    user_id: str
    connection: PresentConnection


UserMessage = Annotated[
    UserAnalysisComplete
    | UserActionItemChanged
    | TicketsClassifiedMessage
    | TicketsFailedMessage
    | WebhookDisabledMessage
    | UserPong
    | Echo
    | MotivationGenerated
    | UserPresence
    | UserPresenceChange
    | UserError,
    Field(discriminator="type"),
]

USER_MESSAGE: TypeAdapter[UserMessage] = TypeAdapter(UserMessage)
