"""``WS /api/v1/sessions/{id}/events``: what a session's socket sends.

Each message about the session is ``{"type", "id", "data"}``; ``id`` is the id of the event
it comes from, the ``last_event_id`` a client reconnects with to get what it missed (in
order, each once). The socket also answers the client: ``pong``, ``presence`` and
``error``; after a ``presence`` query it gets ``joined`` and ``left`` (no ``id``: presence
is not replayed).

One action item suggested by the analysis reaches the socket twice, on purpose:
``new_action_item`` (from ``action_item.suggested``) is part of the analysis' findings, like
``new_emotion``, and ``action_item_created`` (from ``action_item.created``, once the gateway
has put it in the user's list) is the item's lifecycle, followed by ``action_item_updated``
and ``action_item_deleted``. Both carry the same ``id``: a client that shows the list keys it
by ``id`` and may ignore ``new_action_item``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from insightbus.common.messages.base import Message, PresentConnection
from insightbus.common.messages.data import (
    ActionItemData,
    AnalysisCompleteData,
    AnalysisFailedData,
    EmotionData,
    InsightData,
    ProgressData,
    SuggestedActionItemData,
    TopicData,
)

EventId = Annotated[str, Field(description="the event's id: resume after it with last_event_id")]


class AnalysisProgress(Message):
    type: Literal["analysis_progress"]
    id: EventId
    data: ProgressData


class NewEmotion(Message):
    type: Literal["new_emotion"]
    id: EventId
    data: EmotionData


class NewTopic(Message):
    type: Literal["new_topic"]
    id: EventId
    data: TopicData


class NewInsight(Message):
    type: Literal["new_insight"]
    id: EventId
    data: InsightData


class NewActionItem(Message):
    """The analysis suggested an action item. The same item then arrives as
    ``action_item_created`` (same ``data.id``) once it is in the user's list."""

    type: Literal["new_action_item"]
    id: EventId
    data: SuggestedActionItemData


class AnalysisComplete(Message):
    type: Literal["analysis_complete"]
    id: EventId
    data: AnalysisCompleteData


class AnalysisFailedMessage(Message):
    type: Literal["analysis_failed"]
    id: EventId
    data: AnalysisFailedData


class ActionItemChanged(Message):
    """An action item of the user's list was created (by the user, or from a suggestion:
    see ``new_action_item``), updated or deleted; ``data`` is the item as it now is."""

    type: Literal["action_item_created", "action_item_updated", "action_item_deleted"]
    id: EventId
    data: ActionItemData


class SessionPong(Message):
    """The answer to ``{"type": "ping"}``."""

    type: Literal["pong"]


class SessionErrorData(Message):
    error: str


class SessionError(Message):
    """A client message the socket could not take; the socket stays open."""

    type: Literal["error"]
    data: SessionErrorData


class SessionPresenceData(Message):
    you: str = Field(description="this socket's connection_id")
    connections: list[PresentConnection] = Field(description="in the order they connected")


class SessionPresence(Message):
    """The answer to ``{"type": "presence"}``: every socket open on the session, on any
    replica (this one included). From then on the socket gets ``joined`` and ``left``."""

    type: Literal["presence"]
    data: SessionPresenceData


class SessionPresenceChange(Message):
    """A socket opened on (``joined``) or closed on, or lost with its replica (``left``),
    the session; sent to sockets that asked for ``presence``."""

    type: Literal["joined", "left"]
    data: PresentConnection


SessionMessage = Annotated[
    AnalysisProgress
    | NewEmotion
    | NewTopic
    | NewInsight
    | NewActionItem
    | AnalysisComplete
    | AnalysisFailedMessage
    | ActionItemChanged
    | SessionPong
    | SessionPresence
    | SessionPresenceChange
    | SessionError,
    Field(discriminator="type"),
]

SESSION_MESSAGE: TypeAdapter[SessionMessage] = TypeAdapter(SessionMessage)
