"""Rate limiting as plain ASGI middleware: headers on every API response, 429 beyond."""

from __future__ import annotations

import json
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insightbus.common.auth import bearer_token
from insightbus.gateway.access import AccessTokens
from insightbus.gateway.domain.rate_limit import Decision, FixedWindowLimiter


def _headers(decision: Decision) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(decision.limit).encode()),
        (b"x-ratelimit-remaining", str(decision.remaining).encode()),
        (b"x-ratelimit-reset", str(decision.reset_after).encode()),
    ]


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: FixedWindowLimiter, tokens: AccessTokens) -> None:
        self.app = app
        self.limiter = limiter
        self.tokens = tokens

    def _client_key(self, scope: Scope) -> str:
        authorization = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None
        )
        subject = self.tokens.subject_or_none(bearer_token(authorization))
        if subject is not None:
            return f"user:{subject}"
        client = scope.get("client")
        return f"ip:{client[0] if client else 'unknown'}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        decision = self.limiter.hit(self._client_key(scope), time.time())
        headers = _headers(decision)
        if not decision.allowed:
            body = json.dumps(
                {
                    "status": "error",
                    "success": False,
                    "error": "rate limit exceeded",
                    "details": {"limit": decision.limit, "retry_after": decision.reset_after},
                }
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(decision.reset_after).encode()),
                        *headers,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
