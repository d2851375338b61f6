"""``/api/v1/sessions/{id}/action-items``: a session's to-dos."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from insightbus.common.events.action_items import ActionItemStatus
from insightbus.common.web import Success, error_responses, ok
from insightbus.common.web.dependencies import page
from insightbus.gateway.entrypoints.http.dependencies import (
    ActionItemsDep,
    OwnedSession,
    ResultsPage,
)
from insightbus.gateway.entrypoints.http.schemas.action_items import (
    ActionItemChangesRequest,
    ActionItemData,
    ActionItemDeletedOut,
    ActionItemPage,
    NewActionItemRequest,
)

router = APIRouter(
    prefix="/api/v1/sessions/{session_id}/action-items",
    tags=["action items"],
    responses=error_responses(401, 404, 422, 429),
)


@router.get("", response_model=Success[ActionItemPage], summary="A session's action items")
async def list_action_items(
    session: OwnedSession,
    items: ActionItemsDep,
    params: ResultsPage,
    status_filter: Annotated[ActionItemStatus | None, Query(alias="status")] = None,
) -> JSONResponse:
    found, total = await items.list(session, params, status_filter)
    return ok(page([i.model_dump(mode="json") for i in found], total, params))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[ActionItemData],
    summary="Add an action item",
)
async def create_action_item(
    body: NewActionItemRequest, session: OwnedSession, items: ActionItemsDep
) -> JSONResponse:
    item = await items.create(
        session,
        title=body.title,
        description=body.description,
        due_date=body.due_date,
        status=body.status,
    )
    return ok({"action_item": item.model_dump(mode="json")}, status.HTTP_201_CREATED)


@router.patch("/{item_id}", response_model=Success[ActionItemData], summary="Change an action item")
async def update_action_item(
    item_id: str, body: ActionItemChangesRequest, session: OwnedSession, items: ActionItemsDep
) -> JSONResponse:
    item = await items.update(session, item_id, body.model_dump(mode="json", exclude_unset=True))
    return ok({"action_item": item.model_dump(mode="json")})


@router.delete(
    "/{item_id}", response_model=Success[ActionItemDeletedOut], summary="Delete an action item"
)
async def delete_action_item(
    item_id: str, session: OwnedSession, items: ActionItemsDep
) -> JSONResponse:
    await items.delete(session, item_id)
    return ok({"id": item_id, "deleted": True})
