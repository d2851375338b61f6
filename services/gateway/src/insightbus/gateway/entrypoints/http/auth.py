"""``/api/v1/auth``: register, log in, refresh."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from insightbus.common.web import Success, error_responses, ok
from insightbus.gateway.entrypoints.http.dependencies import AccountsDep, RefreshToken
from insightbus.gateway.entrypoints.http.schemas.auth import (
    LoginRequest,
    RegisteredOut,
    RegisterRequest,
    TokenPairOut,
    UserOut,
    token_pair,
)

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], responses=error_responses(429))


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[RegisteredOut],
    summary="Create an account",
    responses=error_responses(409, 422),
)
async def register(body: RegisterRequest, auth: AccountsDep) -> JSONResponse:
    user = await auth.register(body.email, body.password, body.name)
    return ok({"user": UserOut(**asdict(user)).model_dump()}, status.HTTP_201_CREATED)


@router.post(
    "/login",
    response_model=Success[TokenPairOut],
    summary="Exchange credentials for an access token and a refresh token",
    responses=error_responses(401, 422),
)
async def login(body: LoginRequest, auth: AccountsDep) -> JSONResponse:
    return ok(token_pair(await auth.login(body.email, body.password)))


@router.post(
    "/refresh",
    response_model=Success[TokenPairOut],
    summary="Exchange a refresh token (as the Bearer token) for a new pair; each works once",
    responses=error_responses(401),
)
async def refresh(token: RefreshToken, auth: AccountsDep) -> JSONResponse:
    return ok(token_pair(await auth.refresh(token)))
