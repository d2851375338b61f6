"""A session's analysis status and results, answered from the gateway's read models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from insightbus.common.web import Success, error_responses, ok
from insightbus.common.web.dependencies import page
from insightbus.gateway.entrypoints.http.dependencies import AnalysisDep, OwnedSession, ResultsPage
from insightbus.gateway.entrypoints.http.schemas.analysis import (
    AnalysisStatusOut,
    EmotionPage,
    InsightPage,
    TopicPage,
)

router = APIRouter(
    prefix="/api/v1/sessions/{session_id}",
    tags=["analysis"],
    responses=error_responses(401, 404, 422, 429),
)


@router.get(
    "/analysis/status",
    response_model=Success[AnalysisStatusOut],
    summary="Where the analysis of the latest upload is",
)
async def analysis_status(session: OwnedSession) -> JSONResponse:
    return ok(session.analysis())


@router.get("/emotions", response_model=Success[EmotionPage], summary="Emotions found, by segment")
async def list_emotions(
    session: OwnedSession,
    analysis: AnalysisDep,
    params: ResultsPage,
    name: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    min_intensity: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> JSONResponse:
    items, total = await analysis.emotions(
        session.id, params, name=name, min_intensity=min_intensity
    )
    return ok(page(items, total, params))


@router.get("/topics", response_model=Success[TopicPage], summary="Topics, best score first")
async def list_topics(
    session: OwnedSession, analysis: AnalysisDep, params: ResultsPage
) -> JSONResponse:
    items, total = await analysis.topics(session.id, params)
    return ok(page(items, total, params))


@router.get(
    "/insights", response_model=Success[InsightPage], summary="Insights, most confident first"
)
async def list_insights(
    session: OwnedSession, analysis: AnalysisDep, params: ResultsPage
) -> JSONResponse:
    items, total = await analysis.insights(session.id, params)
    return ok(page(items, total, params))
