"""``/api/v1/sessions``: a user's sessions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from insightbus.common.events import new_id, utcnow
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.web import ok
from insightbus.gateway.deps import GatewayDep, OwnedSession, UserId
from insightbus.gateway.pagination import Page, page

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])


class NewSession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)


def public_session(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["id"],
        "title": doc["title"],
        "description": doc["description"],
        "status": doc["status"],
        "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
    }


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a session")
async def create_session(body: NewSession, user_id: UserId, gateway: GatewayDep) -> JSONResponse:
    now = utcnow()
    doc = {
        "id": new_id(),
        "user_id": user_id,
        "title": body.title.strip(),
        "description": body.description,
        "status": "created",
        "latest_content_id": None,
        "created_at": now.isoformat(),
        "updated_at": now.isoformat(),
    }
    await gateway.db.sessions.insert(doc)
    await gateway.outbox.add(
        SessionCreated(session_id=doc["id"], user_id=user_id, title=doc["title"], created_at=now)
    )
    return ok({"session": public_session(doc)}, status.HTTP_201_CREATED)


@router.get("", summary="List your sessions, newest first")
async def list_sessions(user_id: UserId, gateway: GatewayDep, params: Page) -> JSONResponse:
    mine = {"user_id": user_id}
    docs = await gateway.db.sessions.find(
        mine, sort=[("created_at", -1)], limit=params.limit, offset=params.offset
    )
    total = await gateway.db.sessions.count(mine)
    return ok(page([public_session(d) for d in docs], total, params))


@router.get("/{session_id}", summary="One session")
async def get_session(session: OwnedSession) -> JSONResponse:
    return ok({"session": public_session(session)})


@router.delete("/{session_id}", summary="Delete a session and everything derived from it")
async def delete_session(session: OwnedSession, gateway: GatewayDep) -> JSONResponse:
    # The session goes first: events still in flight for it are then ignored.
    await gateway.db.sessions.delete({"id": session["id"]})
    for collection in gateway.db.session_scoped():
        await collection.delete({"session_id": session["id"]})
    await gateway.outbox.add(SessionDeleted(session_id=session["id"], user_id=session["user_id"]))
    return ok({"id": session["id"], "deleted": True})
