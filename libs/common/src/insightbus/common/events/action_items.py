"""Events about action items, published by the gateway, which owns them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from insightbus.common.events import topics
from insightbus.common.events.envelope import SessionScoped

ActionItemStatus = Literal["open", "done", "dismissed"]


class ActionItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    session_id: str
    title: str
    description: str | None = None
    status: ActionItemStatus
    due_date: datetime | None = None
    source: Literal["user", "analysis"]
    created_at: datetime
    updated_at: datetime


class ActionItemEvent(SessionScoped):
    topic = topics.ACTION_ITEMS
    action_item: ActionItem


class ActionItemCreated(ActionItemEvent):
    type = "action_item.created"


class ActionItemUpdated(ActionItemEvent):
    type = "action_item.updated"


class ActionItemDeleted(ActionItemEvent):
    type = "action_item.deleted"
