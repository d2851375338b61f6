"""Browser-facing protection on every HTTP response: security headers, and CORS for the
origins the settings allow (none by default: same-origin only)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insightbus.common.settings import Settings

# An API answers JSON: nothing of it is to be sniffed as another type, framed, or to leak
# its URL (ids, tokens in a WebSocket query) to another site as a referrer.
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
]
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")

#: What a page on an allowed origin may read of an answer, besides the simple headers.
EXPOSED_HEADERS = [
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "X-Correlation-Id",
]


class SecurityHeadersMiddleware:
    """Plain ASGI (cheap per request): appends the headers to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self._headers = [*_HEADERS, _HSTS] if hsts else list(_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *self._headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Outermost of the middlewares: a preflight is answered, and an error carries CORS and
    security headers, before anything else (authentication, rate limit) runs."""
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.hsts)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )
