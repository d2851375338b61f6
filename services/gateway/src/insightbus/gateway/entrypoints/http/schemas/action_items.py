"""Request and response bodies of the action item routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from insightbus.common.events.action_items import ActionItem, ActionItemStatus


def _aware(value: datetime | None) -> datetime | None:
    # A due date without a zone is taken as UTC, so every stored date compares alike.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
DueDate = Annotated[datetime | None, AfterValidator(_aware)]


class NewActionItemRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    description: Description | None = None
    due_date: DueDate = None
    status: ActionItemStatus = "open"


class ActionItemChangesRequest(BaseModel):
    """Only the fields sent change; ``description`` and ``due_date`` may be set to null."""

    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    description: Description | None = None
    due_date: DueDate = None
    status: ActionItemStatus | None = None

    @model_validator(mode="after")
    def _meaningful(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one of title, description, due_date, status")
        for required in ("title", "status"):
            if required in self.model_fields_set and getattr(self, required) is None:
                raise ValueError(f"{required} cannot be null")
        return self


class ActionItemData(BaseModel):
    action_item: ActionItem


class ActionItemPage(BaseModel):
    items: list[ActionItem]
    total: int
    limit: int
    offset: int


class ActionItemDeletedOut(BaseModel):
    id: str
    deleted: bool = True
