"""Analysis status and results of a session, from the gateway's read models."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from insightbus.common.web import ok
from insightbus.gateway.deps import GatewayDep, OwnedSession
from insightbus.gateway.pagination import LargePage, page

router = APIRouter(prefix="/api/v1/sessions", tags=["analysis"])

_HIDDEN = ("session_id",)


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in _HIDDEN}


@router.get("/{session_id}/analysis/status", summary="Where the analysis of the latest upload is")
async def analysis_status(session: OwnedSession, gateway: GatewayDep) -> JSONResponse:
    doc = await gateway.db.analysis_status.get(session["id"])
    if doc is None:
        return ok(
            {
                "status": "pending",
                "progress": 0,
                "stage": None,
                "error": None,
                "content_id": None,
                "updated_at": None,
            }
        )
    return ok(
        {k: doc[k] for k in ("status", "progress", "stage", "error", "content_id", "updated_at")}
    )


@router.get("/{session_id}/emotions", summary="Emotions found, by segment")
async def emotions(
    session: OwnedSession,
    gateway: GatewayDep,
    params: LargePage,
    name: Annotated[str | None, Query(max_length=40)] = None,
    min_intensity: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> JSONResponse:
    where: dict[str, Any] = {"session_id": session["id"]}
    if name is not None:
        where["name"] = name.strip().lower()
    if min_intensity is not None:
        where["intensity"] = {"$gte": min_intensity}
    docs = await gateway.db.emotions.find(
        where, sort=[("segment", 1), ("name", 1)], limit=params.limit, offset=params.offset
    )
    total = await gateway.db.emotions.count(where)
    return ok(page([_public(d) for d in docs], total, params))


@router.get("/{session_id}/topics", summary="Topics, most relevant first")
async def topics(session: OwnedSession, gateway: GatewayDep, params: LargePage) -> JSONResponse:
    where = {"session_id": session["id"]}
    docs = await gateway.db.topics.find(
        where, sort=[("score", -1)], limit=params.limit, offset=params.offset
    )
    return ok(page([_public(d) for d in docs], await gateway.db.topics.count(where), params))


@router.get("/{session_id}/insights", summary="Insights about the session")
async def insights(session: OwnedSession, gateway: GatewayDep, params: LargePage) -> JSONResponse:
    where = {"session_id": session["id"]}
    docs = await gateway.db.insights.find(
        where, sort=[("confidence", -1)], limit=params.limit, offset=params.offset
    )
    return ok(page([_public(d) for d in docs], await gateway.db.insights.count(where), params))
