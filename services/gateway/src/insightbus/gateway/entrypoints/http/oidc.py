"""``/api/v1/auth/oidc/{provider}``: log in with an OpenID Connect provider.

``login`` answers 302 to the provider (with state, nonce and a PKCE challenge) and keeps the
state in a cookie of this browser; the provider sends the browser back to ``callback``,
which answers the platform's token pair, as ``/api/v1/auth/login`` does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request, status
from fastapi.responses import JSONResponse, RedirectResponse

from insightbus.common.web import Success, error_responses, ok
from insightbus.gateway.domain.oidc import FlowRefused
from insightbus.gateway.entrypoints.http.dependencies import GatewayDep
from insightbus.gateway.entrypoints.http.schemas.auth import TokenPairOut, token_pair

PREFIX = "/api/v1/auth/oidc"
STATE_COOKIE = "insightbus_oidc_state"

router = APIRouter(prefix=PREFIX, tags=["auth"], responses=error_responses(404, 429))


def _redirect_uri(request: Request, base: str | None, provider: str) -> str:
    root = base or str(request.base_url).rstrip("/")
    return f"{root}{PREFIX}/{provider}/callback"


@router.get(
    "/{provider}/login",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    summary="Start logging in with an identity provider (a redirect to it)",
    responses={
        302: {"description": "to the provider's authorization endpoint"},
        **error_responses(422, 503),
    },
)
async def oidc_login(provider: str, request: Request, gateway: GatewayDep) -> RedirectResponse:
    redirect_uri = _redirect_uri(request, gateway.settings.public_url, provider)
    url, state = await gateway.oidc.start(provider, redirect_uri)
    response = RedirectResponse(url, status_code=status.HTTP_302_FOUND)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=int(gateway.settings.oidc_flow_ttl_s),
        path=f"{PREFIX}/{provider}",
        secure=redirect_uri.startswith("https://"),
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back to us
    )
    return response


@router.get(
    "/{provider}/callback",
    response_model=Success[TokenPairOut],
    summary="Where the provider sends the browser back: the platform's token pair",
    responses=error_responses(400, 401, 403, 422, 503),
)
async def oidc_callback(
    provider: str,
    gateway: GatewayDep,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state: Annotated[str | None, Query(max_length=256)] = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
    browser_state: Annotated[str | None, Cookie(alias=STATE_COOKIE)] = None,
) -> JSONResponse:
    if error is not None:
        raise FlowRefused(f"the identity provider refused the login ({error})")
    if not code or not state:
        raise FlowRefused("the callback needs code and state")
    pair = await gateway.oidc.finish(provider, state=state, code=code, browser_state=browser_state)
    response = ok(token_pair(pair))
    response.delete_cookie(STATE_COOKIE, path=f"{PREFIX}/{provider}")
    return response
