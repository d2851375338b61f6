"""Request and response bodies of the webhook routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from insightbus.notifier.domain.webhooks import WebhookEvent


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
