"""Request metrics, correlation ids and ``/metrics``, as plain ASGI (cheap per request)."""

from __future__ import annotations

import random
import time

from fastapi import APIRouter, FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insightbus.common.observability import metrics
from insightbus.common.observability.logging import correlation_id

_HEADER = b"x-correlation-id"


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid = (
            next((v.decode("latin-1")[:128] for k, v in scope["headers"] if k == _HEADER), None)
            or f"{random.getrandbits(64):016x}"  # unique enough to follow a request; cheap
        )
        token = correlation_id.set(cid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (_HEADER, cid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            method = scope["method"]
            metrics.HTTP_REQUESTS.labels(method, path, str(status)).inc()
            metrics.HTTP_SECONDS.labels(method, path).observe(time.perf_counter() - started)


metrics_router = APIRouter()


@metrics_router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def install_observability(app: FastAPI) -> None:
    app.add_middleware(ObservabilityMiddleware)
