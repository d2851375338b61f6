"""``GET /asyncapi.json``: the AsyncAPI 3.0 document of our topics and events, for systems that
subscribe to them. No credentials, like ``/openapi.json``: it is a public contract."""

from __future__ import annotations

import json
from functools import cache

from fastapi import APIRouter
from fastapi.responses import Response

from insightbus.common.events.asyncapi import document

router = APIRouter(tags=["contracts"])


@cache
def _body() -> bytes:
    # The document depends on the code alone: built once, on first request.
    return json.dumps(document()).encode()


@router.get(
    "/asyncapi.json",
    operation_id="get_asyncapi",
    summary="The AsyncAPI 3.0 document of the Kafka topics and events (no credentials needed)",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "AsyncAPI 3.0.0"}},
)
async def asyncapi() -> Response:
    return Response(_body(), media_type="application/json")
