"""Typed dependencies for the gateway's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from insightbus.common.auth import InvalidToken, bearer_token
from insightbus.common.store import Document
from insightbus.common.web import not_found, unauthorized
from insightbus.gateway.state import Gateway


def get_gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


def current_user_id(
    gateway: GatewayDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    token = bearer_token(authorization)
    if token is None:
        raise unauthorized()
    try:
        return gateway.access.verify(token).subject
    except InvalidToken as exc:
        raise unauthorized(str(exc)) from None


UserId = Annotated[str, Depends(current_user_id)]


async def owned_session(session_id: str, user_id: UserId, gateway: GatewayDep) -> Document:
    """The caller's session; another user's answers 404, exactly like a missing one."""
    session = await gateway.db.sessions.find_one({"id": session_id, "user_id": user_id})
    if session is None:
        raise not_found("session")
    return session


OwnedSession = Annotated[Document, Depends(owned_session)]
