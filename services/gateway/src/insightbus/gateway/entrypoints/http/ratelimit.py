"""Per-client rate limiting as plain ASGI middleware (BaseHTTPMiddleware is slow).

Applies to HTTP requests under ``/api/`` only (not /health, /metrics, /docs, nor
WebSockets). Every such response carries ``X-RateLimit-Limit``, ``-Remaining`` and
``-Reset``, errors included; beyond the limit the answer is 429 with ``Retry-After``.
Clients are users (by a valid access token) or, when anonymous, client IPs. Where the
counts live (this process, or the store replicas share) is the limiter's business.
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insightbus.common.auth import AccessTokenVerifier, bearer_token
from insightbus.gateway.app.ports import RateLimiter
from insightbus.gateway.domain.rate_limit import Decision

log = logging.getLogger(__name__)

_AUTHORIZATION = b"authorization"
_JSON_HEADERS = [(b"content-type", b"application/json")]


def _rate_headers(decision: Decision) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(decision.limit).encode()),
        (b"x-ratelimit-remaining", str(decision.remaining).encode()),
        (b"x-ratelimit-reset", str(decision.reset_after).encode()),
    ]


def _error_body(status_message: str, details: object) -> bytes:
    # The same envelope as insightbus.common.web.error_response, without a Response object.
    return json.dumps(
        {"status": "error", "success": False, "error": status_message, "details": details}
    ).encode()


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        verifier: AccessTokenVerifier,
        prefix: str = "/api/",
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.verifier = verifier
        self.prefix = prefix

    def client_key(self, scope: Scope) -> str:
        authorization = None
        for name, value in scope["headers"]:
            if name == _AUTHORIZATION:
                authorization = value.decode("latin-1")
                break
        subject = self.verifier.subject_or_none(bearer_token(authorization))
        if subject is not None:
            return f"user:{subject}"
        client = scope.get("client")
        return f"ip:{client[0] if client else 'unknown'}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        decision = await self.limiter.hit(self.client_key(scope))
        headers = _rate_headers(decision)
        if not decision.allowed:
            await self._send(
                send,
                429,
                [(b"retry-after", str(decision.reset_after).encode()), *headers],
                _error_body(
                    "rate limit exceeded",
                    {"limit": decision.limit, "retry_after": decision.reset_after},
                ),
            )
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), *headers]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # An unhandled error reaches Starlette's outermost handler, which answers
            # without our headers. Answer here instead (the same envelope), then re-raise
            # so that the error is still logged and reported as before.
            if not started:
                await self._send(send, 500, headers, _error_body("internal server error", None))
            raise

    @staticmethod
    async def _send(
        send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    *_JSON_HEADERS,
                    (b"content-length", str(len(body)).encode()),
                    *headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
