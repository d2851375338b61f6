"""What a webhook delivery (and a ticket job's callback) POSTs: ``{"event", "data",
"timestamp"}``, signed with the Standard Webhooks headers (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from insightbus.common.events.tickets import ClassifiedTicket, UnclassifiedTicket
from insightbus.common.messages.base import Message
from insightbus.common.messages.data import ActionItemData, AnalysisCompleteData

Timestamp = Annotated[datetime, Field(description="when the event happened (ISO 8601)")]


class TicketsClassifiedData(Message):
    """The ``tickets.classified`` event without its user and callback URL."""

    session_id: str = Field(description="the job's id")
    file_name: str
    started_at: datetime
    completed_at: datetime
    processing_time_ms: float = Field(ge=0)
    total_tickets: int = Field(ge=0)
    counts_by_category: dict[str, int]
    counts_by_priority: dict[str, int]
    tickets: list[ClassifiedTicket]
    unclassified: list[UnclassifiedTicket]


class TicketsFailedData(Message):
    """The ``tickets.failed`` event without its user and callback URL."""

    session_id: str = Field(description="the job's id")
    file_name: str
    failed_at: datetime
    error_message: str


class AnalysisCompleteBody(Message):
    event: Literal["analysis.complete"]
    data: AnalysisCompleteData
    timestamp: Timestamp


class ActionItemBody(Message):
    event: Literal["action_item.created", "action_item.updated", "action_item.deleted"]
    data: ActionItemData
    timestamp: Timestamp


class TicketsClassifiedBody(Message):
    """To endpoints subscribed to ``tickets.classified`` and to the job's callback URL."""

    event: Literal["tickets.classified"]
    data: TicketsClassifiedData
    timestamp: Timestamp


class TicketsFailedBody(Message):
    """Only to the job's callback URL (endpoints cannot subscribe to it)."""

    event: Literal["tickets.failed"]
    data: TicketsFailedData
    timestamp: Timestamp


WebhookBody = Annotated[
    AnalysisCompleteBody | ActionItemBody | TicketsClassifiedBody | TicketsFailedBody,
    Field(discriminator="event"),
]

WEBHOOK_BODY: TypeAdapter[WebhookBody] = TypeAdapter(WebhookBody)
