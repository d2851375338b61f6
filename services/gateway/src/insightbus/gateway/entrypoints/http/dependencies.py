"""Typed dependencies of the gateway's routes.

Kept flat and ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, and
every node of the dependency tree is solved per request. ``GET /sessions/{id}`` needs one
node (the caller and the session together); the application object is reached through the
request (``provided``) instead of a node of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from insightbus.common.auth import AccessTokenVerifier
from insightbus.common.errors import Unauthenticated
from insightbus.common.web.dependencies import (
    AccessTokenUser,
    BearerScheme,
    PageParams,
    page_params,
    provided,
    subject_of,
    token_of,
)
from insightbus.gateway.app.action_items import ActionItems
from insightbus.gateway.app.analysis import AnalysisViews
from insightbus.gateway.app.auth import Accounts
from insightbus.gateway.app.content import Uploads
from insightbus.gateway.app.credentials import Credentials
from insightbus.gateway.app.gateway import Gateway
from insightbus.gateway.app.idempotency import IdempotentRequests
from insightbus.gateway.app.journey import Journeys
from insightbus.gateway.app.sessions import Sessions
from insightbus.gateway.app.tickets import TicketJobs
from insightbus.gateway.domain.sessions import Session

API_KEY_HEADER = "x-api-key"


def gateway_of(request: Request) -> Gateway:
    return provided(request, Gateway)


def _verifier(request: Request) -> AccessTokenVerifier:
    return gateway_of(request).verifier


async def _caller(request: Request) -> str:
    """The user a request acts for: an access token (``Authorization: Bearer``) or an API
    key (``X-API-Key``); 401 otherwise."""
    gateway = gateway_of(request)
    if request.headers.get("authorization") is None:
        key = request.headers.get(API_KEY_HEADER)
        if key:
            # The peer uvicorn saw, or the client a trusted proxy names (X-Forwarded-For from
            # INSIGHTBUS_TRUSTED_PROXIES only): never the header of an untrusted peer.
            address = request.client.host if request.client else None
            user_id = await gateway.credentials.user_of_api_key(key, address)
            if user_id is None:
                raise Unauthenticated("invalid or revoked API key")
            return user_id
    return subject_of(gateway.verifier, token_of(request))


class TokenOrApiKeyUser(BearerScheme):
    async def __call__(self, request: Request) -> str:
        return await _caller(request)


class RefreshTokenValue(BearerScheme):
    """The raw refresh token the request carries (verified by the use case)."""

    async def __call__(self, request: Request) -> str:
        return token_of(request, "a refresh token is required (Authorization: Bearer <token>)")


_CALLER_CREDENTIALS = "an access token from /api/v1/auth/login, or an API key in X-API-Key"
CurrentUser = Annotated[str, Depends(TokenOrApiKeyUser("AccessToken", _CALLER_CREDENTIALS))]
# Managing credentials takes a token: an API key cannot mint more keys.
BearerUser = Annotated[str, Depends(AccessTokenUser(_verifier))]
RefreshToken = Annotated[
    str, Depends(RefreshTokenValue("RefreshToken", "a refresh token from /api/v1/auth/login"))
]


class OwnedSessionOf(BearerScheme):
    """The caller's session; another user's answers 404 exactly like a missing one.

    One dependency that checks the caller and reads the session, rather than one depending
    on the other: every route under /sessions/{id} uses it, and FastAPI's cost per request
    grows with the nodes of the tree (this made the hot GET ~10 % faster)."""

    async def __call__(self, request: Request, session_id: str) -> Session:
        user_id = await _caller(request)
        return await gateway_of(request).sessions.owned(user_id, session_id)


OwnedSession = Annotated[Session, Depends(OwnedSessionOf("AccessToken", _CALLER_CREDENTIALS))]


async def _gateway(request: Request) -> Gateway:
    return gateway_of(request)


async def _accounts(request: Request) -> Accounts:
    return gateway_of(request).accounts


async def _sessions(request: Request) -> Sessions:
    return gateway_of(request).sessions


async def _uploads(request: Request) -> Uploads:
    return gateway_of(request).uploads


async def _analysis(request: Request) -> AnalysisViews:
    return gateway_of(request).analysis


async def _action_items(request: Request) -> ActionItems:
    return gateway_of(request).action_items


async def _credentials(request: Request) -> Credentials:
    return gateway_of(request).credentials


async def _tickets(request: Request) -> TicketJobs:
    return gateway_of(request).tickets


async def _journeys(request: Request) -> Journeys:
    return gateway_of(request).journeys


async def _idempotency(request: Request) -> IdempotentRequests:
    return gateway_of(request).idempotency


GatewayDep = Annotated[Gateway, Depends(_gateway)]
AccountsDep = Annotated[Accounts, Depends(_accounts)]
SessionsDep = Annotated[Sessions, Depends(_sessions)]
UploadsDep = Annotated[Uploads, Depends(_uploads)]
AnalysisDep = Annotated[AnalysisViews, Depends(_analysis)]
ActionItemsDep = Annotated[ActionItems, Depends(_action_items)]
CredentialsDep = Annotated[Credentials, Depends(_credentials)]
TicketsDep = Annotated[TicketJobs, Depends(_tickets)]
JourneysDep = Annotated[Journeys, Depends(_journeys)]
IdempotencyDep = Annotated[IdempotentRequests, Depends(_idempotency)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        description=(
            "any unique string (a UUID): the same key and request again, from the same user, "
            "answers the first result instead of starting anew (for 24 h); the same key with "
            "a different request is 422"
        ),
        max_length=255,
    ),
]

SessionsPage = Annotated[PageParams, Depends(page_params(20, 100))]
ResultsPage = Annotated[PageParams, Depends(page_params(100, 500))]


API_KEY_SCHEME = "ApiKey"
_API_KEY_SECURITY = {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-Key",
    "description": "an API key from POST /api/v1/api-keys (instead of an access token)",
}


def _takes_api_key(dependant: Dependant) -> bool:
    if isinstance(dependant.call, TokenOrApiKeyUser | OwnedSessionOf):
        return True
    return any(_takes_api_key(d) for d in dependant.dependencies)


def document_api_keys(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Declare ``X-API-Key`` in the app's OpenAPI document: a security scheme, and an
    alternative to the access token on every route that takes one (credentials' routes do
    not). The key is read by ``_caller``, not by a dependency of its own (a node less per
    request), so FastAPI cannot see it by itself. ``routers``: the gateway's (their routes
    carry their full paths)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes[API_KEY_SCHEME] = _API_KEY_SECURITY
        routes = (route for router in routers for route in router.routes)
        for route in routes:
            if not isinstance(route, APIRoute) or not _takes_api_key(route.dependant):
                continue
            for method in route.methods or ():
                operation = schema["paths"].get(route.path_format, {}).get(method.lower())
                if operation is not None and {API_KEY_SCHEME: []} not in operation.get(
                    "security", []
                ):
                    operation.setdefault("security", []).append({API_KEY_SCHEME: []})
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
