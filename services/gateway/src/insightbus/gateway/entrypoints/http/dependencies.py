"""Typed dependencies of the gateway's routes.

Kept flat and ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, and
every node of the dependency tree is solved per request. ``GET /sessions/{id}`` needs one
node (the bearer token and the session together); the context is reached through the request
(``app.state.gateway``, set by ``GatewayService.configure``) instead of a node of its own.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase

from insightbus.common.auth import InvalidToken, bearer_token
from insightbus.common.web import unauthorized
from insightbus.gateway.action_items.service import ActionItemService
from insightbus.gateway.analysis_views.service import AnalysisViews
from insightbus.gateway.auth.service import AuthService
from insightbus.gateway.content.service import ContentService
from insightbus.gateway.context import GatewayContext
from insightbus.gateway.credentials.service import Credentials
from insightbus.gateway.sessions.models import Session
from insightbus.gateway.sessions.service import SessionService
from insightbus.gateway.tickets.service import TicketService

API_KEY_HEADER = "x-api-key"


class _ContextHolder(Protocol):
    @property
    def context(self) -> GatewayContext: ...


def context_of(request: Request) -> GatewayContext:
    holder: _ContextHolder = request.app.state.gateway
    return holder.context


class _Bearer(SecurityBase):
    """A bearer token from ``Authorization``. Being a ``SecurityBase``, FastAPI lists it
    as a security scheme in the OpenAPI document (the "Authorize" button of /docs)."""

    def __init__(self, scheme_name: str, description: str) -> None:
        self.model = HTTPBearerModel(description=description)
        self.scheme_name = scheme_name

    @staticmethod
    def token(request: Request, missing: str) -> str:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            raise unauthorized(missing)
        return token


async def _caller(request: Request) -> str:
    """The user a request acts for: an access token (``Authorization: Bearer``) or an API
    key (``X-API-Key``); 401 otherwise."""
    context = context_of(request)
    header = request.headers.get("authorization")
    if header is None:
        key = request.headers.get(API_KEY_HEADER)
        if key:
            user_id = await context.credentials.user_of_api_key(key)
            if user_id is None:
                raise unauthorized("invalid or revoked API key")
            return user_id
    return _token_user(request)


def _token_user(request: Request) -> str:
    token = _Bearer.token(request, "authentication required")
    try:
        return context_of(request).verifier.verify(token).subject
    except InvalidToken as exc:
        raise unauthorized(str(exc)) from None


class AccessTokenUser(_Bearer):
    """The id of the user whose access token the request carries; 401 otherwise."""

    async def __call__(self, request: Request) -> str:
        return _token_user(request)


class TokenOrApiKeyUser(_Bearer):
    async def __call__(self, request: Request) -> str:
        return await _caller(request)


class RefreshTokenValue(_Bearer):
    """The raw refresh token the request carries (verified by the auth service)."""

    async def __call__(self, request: Request) -> str:
        return self.token(request, "a refresh token is required (Authorization: Bearer <token>)")


_CALLER_CREDENTIALS = "an access token from /api/v1/auth/login, or an API key in X-API-Key"
CurrentUser = Annotated[str, Depends(TokenOrApiKeyUser("AccessToken", _CALLER_CREDENTIALS))]
# Managing credentials takes a token: an API key cannot mint more keys.
BearerUser = Annotated[
    str, Depends(AccessTokenUser("AccessToken", "an access token from /api/v1/auth/login"))
]
RefreshToken = Annotated[
    str, Depends(RefreshTokenValue("RefreshToken", "a refresh token from /api/v1/auth/login"))
]


async def _context(request: Request) -> GatewayContext:
    return context_of(request)


async def _auth(request: Request) -> AuthService:
    return context_of(request).auth


async def _sessions(request: Request) -> SessionService:
    return context_of(request).sessions


async def _content(request: Request) -> ContentService:
    return context_of(request).content


async def _analysis(request: Request) -> AnalysisViews:
    return context_of(request).analysis


async def _action_items(request: Request) -> ActionItemService:
    return context_of(request).action_items


async def _credentials(request: Request) -> Credentials:
    return context_of(request).credentials


async def _tickets(request: Request) -> TicketService:
    return context_of(request).tickets


Context = Annotated[GatewayContext, Depends(_context)]
Auth = Annotated[AuthService, Depends(_auth)]
Sessions = Annotated[SessionService, Depends(_sessions)]
Content = Annotated[ContentService, Depends(_content)]
Analysis = Annotated[AnalysisViews, Depends(_analysis)]
ActionItems = Annotated[ActionItemService, Depends(_action_items)]
CredentialsDep = Annotated[Credentials, Depends(_credentials)]
Tickets = Annotated[TicketService, Depends(_tickets)]


class OwnedSessionOf(_Bearer):
    """The caller's session; another user's answers 404 exactly like a missing one.

    One dependency that checks the token and reads the session, rather than one depending
    on the other: every route under /sessions/{id} uses it, and FastAPI's cost per request
    grows with the nodes of the tree (this made the hot GET ~10 % faster)."""

    async def __call__(self, request: Request, session_id: str) -> Session:
        user_id = await _caller(request)
        return await context_of(request).sessions.owned(user_id, session_id)


OwnedSession = Annotated[Session, Depends(OwnedSessionOf("AccessToken", _CALLER_CREDENTIALS))]
