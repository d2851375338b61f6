"""``/api/v1/users/me/journey``: the caller's emotions across sessions and the topics that
recur, from the graph. Only "me": there is no user id to give, so it is the caller's own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from insightbus.common.web import Success, error_responses, ok
from insightbus.common.web.responses import ErrorBody
from insightbus.gateway.entrypoints.http.dependencies import CurrentUser, JourneysDep
from insightbus.gateway.entrypoints.http.schemas.journey import JourneyOut

router = APIRouter(
    prefix="/api/v1/users/me", tags=["journey"], responses=error_responses(401, 422, 429)
)


@router.get(
    "/journey",
    response_model=Success[JourneyOut],
    summary="Your emotions over time across sessions, and the topics that recur",
    responses={503: {"model": ErrorBody, "description": "the graph is off or unreachable"}},
)
async def my_journey(
    user: CurrentUser,
    journeys: JourneysDep,
    sessions: Annotated[int, Query(ge=1, le=100, description="how many latest sessions")] = 20,
) -> JSONResponse:
    return ok(await journeys.of(user, sessions=sessions))
