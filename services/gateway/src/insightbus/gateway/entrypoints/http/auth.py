"""``/api/v1/auth``: register, log in, refresh."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from insightbus.common.web import Success, ok
from insightbus.gateway.auth.schemas import (
    LoginRequest,
    RegisteredOut,
    RegisterRequest,
    TokenPairOut,
)
from insightbus.gateway.deps import Auth, RefreshToken

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[RegisteredOut],
    summary="Create an account",
)
async def register(body: RegisterRequest, auth: Auth) -> JSONResponse:
    user = await auth.register(body.email, body.password, body.name)
    return ok({"user": user.model_dump()}, status.HTTP_201_CREATED)


@router.post(
    "/login",
    response_model=Success[TokenPairOut],
    summary="Exchange credentials for an access token and a refresh token",
)
async def login(body: LoginRequest, auth: Auth) -> JSONResponse:
    return ok((await auth.login(body.email, body.password)).model_dump())


@router.post(
    "/refresh",
    response_model=Success[TokenPairOut],
    summary="Exchange a refresh token (as the Bearer token) for a new pair; each works once",
)
async def refresh(token: RefreshToken, auth: Auth) -> JSONResponse:
    return ok((await auth.refresh(token)).model_dump())
