"""Request metrics, correlation ids and ``/metrics``, as plain ASGI (cheap per request)."""

from __future__ import annotations

import random
import re
import time

from fastapi import APIRouter, FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insightbus.common.observability import metrics
from insightbus.common.observability.logging import correlation_id

_HEADER = b"x-correlation-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Bounded: paths are route templates, so keys are routes x methods x statuses.
        self._cache: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == _HEADER), "")
        # A caller's id is kept only if it is plain (it ends up in logs and events).
        cid = given if _SAFE_ID.match(given) else f"{random.getrandbits(64):016x}"
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
            counter, histogram = self._children(method, path, status)
            counter.inc()
            histogram.observe(time.perf_counter() - started)

    def _children(self, method: str, path: str, status: int) -> tuple[Counter, Histogram]:
        # ``labels()`` takes a lock and builds a key each time: remember the children.
        key = (method, path, status)
        children = self._cache.get(key)
        if children is None:
            children = (
                metrics.HTTP_REQUESTS.labels(method, path, str(status)),
                metrics.HTTP_SECONDS.labels(method, path),
            )
            self._cache[key] = children
        return children


metrics_router = APIRouter()


@metrics_router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def install_observability(app: FastAPI) -> None:
    app.add_middleware(ObservabilityMiddleware)
