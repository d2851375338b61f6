"""``/api/v1/auth``: register, login, refresh."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, status
from fastapi.responses import JSONResponse

from insightbus.common.auth import bearer_token
from insightbus.common.web import ok, unauthorized
from insightbus.gateway.auth import service
from insightbus.gateway.auth.schemas import Login, Register
from insightbus.gateway.deps import GatewayDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, summary="Create an account")
async def register(body: Register, gateway: GatewayDep) -> JSONResponse:
    user = await service.register(gateway, body.email, body.password, body.name)
    return ok({"user": user}, status.HTTP_201_CREATED)


@router.post("/login", summary="Exchange credentials for an access and a refresh token")
async def login(body: Login, gateway: GatewayDep) -> JSONResponse:
    return ok(await service.login(gateway, body.email, body.password))


@router.post("/refresh", summary="Exchange a refresh token (Bearer) for a new pair")
async def refresh(
    gateway: GatewayDep, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    token = bearer_token(authorization)
    if token is None:
        raise unauthorized("a refresh token is required")
    return ok(await service.refresh(gateway, token))
