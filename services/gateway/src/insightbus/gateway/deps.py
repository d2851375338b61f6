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
from insightbus.gateway.sessions.models import Session
from insightbus.gateway.sessions.service import SessionService


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


class AccessTokenUser(_Bearer):
    """The id of the user whose access token the request carries; 401 otherwise."""

    async def __call__(self, request: Request) -> str:
        token = self.token(request, "authentication required")
        try:
            return context_of(request).verifier.verify(token).subject
        except InvalidToken as exc:
            raise unauthorized(str(exc)) from None


class RefreshTokenValue(_Bearer):
    """The raw refresh token the request carries (verified by the auth service)."""

    async def __call__(self, request: Request) -> str:
        return self.token(request, "a refresh token is required (Authorization: Bearer <token>)")


CurrentUser = Annotated[
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


Context = Annotated[GatewayContext, Depends(_context)]
Auth = Annotated[AuthService, Depends(_auth)]
Sessions = Annotated[SessionService, Depends(_sessions)]
Content = Annotated[ContentService, Depends(_content)]
Analysis = Annotated[AnalysisViews, Depends(_analysis)]
ActionItems = Annotated[ActionItemService, Depends(_action_items)]


class OwnedSessionOf(_Bearer):
    """The caller's session; another user's answers 404 exactly like a missing one.

    One dependency that checks the token and reads the session, rather than one depending
    on the other: every route under /sessions/{id} uses it, and FastAPI's cost per request
    grows with the nodes of the tree (this made the hot GET ~10 % faster)."""

    async def __call__(self, request: Request, session_id: str) -> Session:
        token = self.token(request, "authentication required")
        context = context_of(request)
        try:
            user_id = context.verifier.verify(token).subject
        except InvalidToken as exc:
            raise unauthorized(str(exc)) from None
        return await context.sessions.owned(user_id, session_id)


OwnedSession = Annotated[
    Session, Depends(OwnedSessionOf("AccessToken", "an access token from /api/v1/auth/login"))
]
