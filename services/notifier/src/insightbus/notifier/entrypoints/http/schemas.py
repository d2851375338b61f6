"""Request and response bodies of the webhook routes, and documents -> responses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from insightbus.common.store import Document

# The events an endpoint may subscribe to (job callbacks also send ``tickets.failed``).
WebhookEvent = Literal[
    "analysis.complete",
    "action_item.created",
    "action_item.updated",
    "action_item.deleted",
    "tickets.classified",
]


def _unique(events: list[WebhookEvent]) -> list[WebhookEvent]:
    return list(dict.fromkeys(events))


Url = Annotated[str, Field(min_length=1, max_length=2048)]
Events = Annotated[list[WebhookEvent], Field(min_length=1), AfterValidator(_unique)]
Description = Annotated[str, Field(max_length=500)]


class NewWebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url
    events: Events
    description: Description = ""


class WebhookChangesRequest(BaseModel):
    """Only the fields sent change. ``enabled: true`` brings a disabled endpoint back."""

    model_config = ConfigDict(extra="forbid")
    url: Url | None = None
    events: Events | None = None
    description: Description | None = None
    enabled: bool | None = None

    @model_validator(mode="after")
    def _meaningful(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one of url, events, description, enabled")
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookData(BaseModel):
    webhook: WebhookOut


class WebhookCreated(BaseModel):
    webhook: WebhookOut
    secret: str = Field(description="whsec_...: shown only now; it signs every delivery")


class SecretRotated(BaseModel):
    secret: str = Field(description="the new secret, shown only now")
    previous_secret_expires_at: datetime | None = Field(
        description="until then the previous secret signs too"
    )


class WebhookPage(BaseModel):
    items: list[WebhookOut]
    total: int
    limit: int
    offset: int


class WebhookDeletedOut(BaseModel):
    id: str
    deleted: bool = True


class DeliveryOut(BaseModel):
    id: str = Field(description="the webhook-id header, the same on every attempt")
    event: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    response_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryData(BaseModel):
    delivery: DeliveryOut


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int


def epoch_to_iso(epoch: Any) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(float(epoch), UTC).isoformat()


def webhook_view(doc: Document, now: float) -> dict[str, Any]:
    """What the owner sees of an endpoint: never its secrets."""
    until = doc.get("previous_secret_until")
    return {
        "id": doc["id"],
        "url": doc["url"],
        "events": list(doc["events"]),
        "description": doc.get("description", ""),
        "enabled": bool(doc["enabled"]),
        "disabled_reason": doc.get("disabled_reason"),
        "failing_since": epoch_to_iso(doc.get("failing_since")),
        "previous_secret_expires_at": epoch_to_iso(until) if until and until > now else None,
        "created_at": epoch_to_iso(doc["created_at"]),
        "updated_at": epoch_to_iso(doc["updated_at"]),
    }


def delivery_view(doc: Document) -> dict[str, Any]:
    """A delivery in the log: its outcome, never its body or signatures."""
    return {
        "id": doc["id"],
        "event": doc["event"],
        "status": doc["status"],
        "attempts": int(doc.get("attempts", 0)),
        "response_status": doc.get("response_status"),
        "last_error": doc.get("last_error"),
        "next_attempt_at": epoch_to_iso(doc.get("next_attempt_at"))
        if doc["status"] == "pending"
        else None,
        "last_attempt_at": epoch_to_iso(doc.get("last_attempt_at")),
        "delivered_at": epoch_to_iso(doc.get("delivered_at")),
        "created_at": epoch_to_iso(doc["created_at"]),
    }
