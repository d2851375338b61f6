"""``GET /api/v1/ws/status``: how many users have a channel open."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from insightbus.common.web import ok
from insightbus.notifier.entrypoints.http.dependencies import CurrentUser, NotifierApp

router = APIRouter(tags=["live updates"])


@router.get("/api/v1/ws/status", summary="How many users have a channel open")
async def status(_: CurrentUser, notifier: NotifierApp) -> JSONResponse:
    return ok({"connected_users": notifier.users.connected_users, "status": "active"})
