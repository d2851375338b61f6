"""Events of a ticket classification job: submitted by the gateway, classified by the
classifier. The job's id is the ``session_id`` clients know it by."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from insightbus.common.events import topics
from insightbus.common.events.envelope import SessionScoped

Level = Literal["low", "medium", "high"]
Priority = Literal["critical", "high", "medium", "low"]
Sentiment = Literal["negative", "neutral", "positive"]


class Ticket(BaseModel):
    """One row of an uploaded CSV, as the client wrote it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    row: int = Field(ge=1, description="the ticket's data row in the uploaded CSV, from 1")
    issue_key: str
    summary: str
    description: str
    reporter: str | None = None
    created_at: datetime | None = None


class ClassifiedTicket(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    row: int = Field(ge=1)
    issue_key: str
    summary: str
    category: str
    priority: Priority
    urgency: Level
    impact: Level
    sentiment: Sentiment
    confidence_score: float = Field(ge=0, le=1)
    sla_due_date: datetime


class UnclassifiedTicket(BaseModel):
    """A row the classifier could not classify: reported, never dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    row: int = Field(ge=1)
    issue_key: str
    reason: str


class TicketJobEvent(SessionScoped):
    topic = topics.TICKETS


class TicketsSubmitted(TicketJobEvent):
    type = "tickets.submitted"
    file_name: str
    callback_url: str | None = None
    submitted_at: datetime
    tickets: tuple[Ticket, ...]


class TicketsProgressed(TicketJobEvent):
    type = "tickets.progressed"
    processed: int = Field(ge=0)
    total: int = Field(ge=0)


class TicketsClassified(TicketJobEvent):
    type = "tickets.classified"
    file_name: str
    callback_url: str | None = None
    started_at: datetime
    completed_at: datetime
    processing_time_ms: float = Field(ge=0)
    total_tickets: int = Field(ge=0)
    counts_by_category: dict[str, int]
    counts_by_priority: dict[str, int]
    tickets: tuple[ClassifiedTicket, ...]
    unclassified: tuple[UnclassifiedTicket, ...] = ()


class TicketsFailed(TicketJobEvent):
    type = "tickets.failed"
    file_name: str
    callback_url: str | None = None
    failed_at: datetime
    error_message: str
