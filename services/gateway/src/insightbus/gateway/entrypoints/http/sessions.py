"""``/api/v1/sessions``: a user's sessions."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from insightbus.common.web import Success, error_responses, ok
from insightbus.common.web.dependencies import page
from insightbus.gateway.entrypoints.http.dependencies import (
    CurrentUser,
    OwnedSession,
    SessionsDep,
    SessionsPage,
)
from insightbus.gateway.entrypoints.http.schemas.sessions import (
    NewSessionRequest,
    SessionData,
    SessionDeletedOut,
    SessionPage,
)

router = APIRouter(
    prefix="/api/v1/sessions", tags=["sessions"], responses=error_responses(401, 422, 429)
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[SessionData],
    summary="Create a session",
)
async def create_session(
    body: NewSessionRequest, user: CurrentUser, sessions: SessionsDep
) -> JSONResponse:
    session = await sessions.create(user, body.title, body.description)
    return ok({"session": session.public()}, status.HTTP_201_CREATED)


@router.get("", response_model=Success[SessionPage], summary="Your sessions, newest first")
async def list_sessions(
    user: CurrentUser, sessions: SessionsDep, params: SessionsPage
) -> JSONResponse:
    found, total = await sessions.list(user, params)
    return ok(page([s.public() for s in found], total, params))


@router.get(
    "/{session_id}",
    response_model=Success[SessionData],
    summary="One session",
    responses=error_responses(404),
)
async def get_session(session: OwnedSession) -> JSONResponse:
    return ok({"session": session.public()})


@router.delete(
    "/{session_id}",
    response_model=Success[SessionDeletedOut],
    summary="Delete a session with its content, analysis results and action items",
    responses=error_responses(404),
)
async def delete_session(session: OwnedSession, sessions: SessionsDep) -> JSONResponse:
    await sessions.delete(session)
    return ok({"id": session.id, "deleted": True})
