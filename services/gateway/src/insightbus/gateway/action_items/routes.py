"""``/api/v1/sessions/{id}/action-items``: the user's to-dos, some suggested by the analysis.
Every change is published (action_item.created / updated / deleted)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from insightbus.common.events import new_id, utcnow
from insightbus.common.events.action_items import (
    ActionItem,
    ActionItemCreated,
    ActionItemDeleted,
    ActionItemStatus,
    ActionItemUpdated,
)
from insightbus.common.web import bad_request, not_found, ok
from insightbus.gateway.deps import GatewayDep, OwnedSession
from insightbus.gateway.pagination import LargePage, page

router = APIRouter(prefix="/api/v1/sessions", tags=["action items"])


class NewActionItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    due_date: datetime | None = None
    status: ActionItemStatus = "open"


class ActionItemChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    due_date: datetime | None = None
    status: ActionItemStatus | None = None


def _item(doc: dict[str, Any]) -> ActionItem:
    return ActionItem.model_validate({k: v for k, v in doc.items() if k != "user_id"})


@router.get("/{session_id}/action-items", summary="Action items of a session")
async def list_items(
    session: OwnedSession,
    gateway: GatewayDep,
    params: LargePage,
    status_filter: Annotated[ActionItemStatus | None, Query(alias="status")] = None,
) -> JSONResponse:
    where: dict[str, Any] = {"session_id": session["id"]}
    if status_filter is not None:
        where["status"] = status_filter
    docs = await gateway.db.action_items.find(
        where, sort=[("created_at", 1)], limit=params.limit, offset=params.offset
    )
    items = [_item(d).model_dump(mode="json") for d in docs]
    return ok(page(items, await gateway.db.action_items.count(where), params))


@router.post("/{session_id}/action-items", status_code=status.HTTP_201_CREATED, summary="Add one")
async def create_item(
    body: NewActionItem, session: OwnedSession, gateway: GatewayDep
) -> JSONResponse:
    now = utcnow()
    item = ActionItem(
        id=new_id(),
        session_id=session["id"],
        title=body.title.strip(),
        description=body.description,
        status=body.status,
        due_date=body.due_date,
        source="user",
        created_at=now,
        updated_at=now,
    )
    await gateway.db.action_items.insert(
        {**item.model_dump(mode="json"), "user_id": session["user_id"]}
    )
    await gateway.outbox.add(
        ActionItemCreated(session_id=session["id"], user_id=session["user_id"], action_item=item)
    )
    return ok({"action_item": item.model_dump(mode="json")}, status.HTTP_201_CREATED)


async def _owned_item(gateway: GatewayDep, session: OwnedSession, item_id: str) -> dict[str, Any]:
    doc = await gateway.db.action_items.find_one({"id": item_id, "session_id": session["id"]})
    if doc is None:
        raise not_found("action item")
    return doc


@router.patch("/{session_id}/action-items/{item_id}", summary="Change one")
async def update_item(
    item_id: str, body: ActionItemChanges, session: OwnedSession, gateway: GatewayDep
) -> JSONResponse:
    doc = await _owned_item(gateway, session, item_id)
    changes = body.model_dump(mode="json", exclude_unset=True)
    if "title" in changes and changes["title"] is None:
        raise bad_request("title cannot be null")
    if "status" in changes and changes["status"] is None:
        raise bad_request("status cannot be null")
    if not changes:
        raise bad_request("nothing to change")
    changes["updated_at"] = utcnow().isoformat()
    await gateway.db.action_items.update({"id": item_id}, changes)
    item = _item({**doc, **changes})
    await gateway.outbox.add(
        ActionItemUpdated(session_id=session["id"], user_id=session["user_id"], action_item=item)
    )
    return ok({"action_item": item.model_dump(mode="json")})


@router.delete("/{session_id}/action-items/{item_id}", summary="Delete one")
async def delete_item(item_id: str, session: OwnedSession, gateway: GatewayDep) -> JSONResponse:
    doc = await _owned_item(gateway, session, item_id)
    await gateway.db.action_items.delete({"id": item_id})
    await gateway.outbox.add(
        ActionItemDeleted(
            session_id=session["id"], user_id=session["user_id"], action_item=_item(doc)
        )
    )
    return ok({"id": item_id, "deleted": True})
