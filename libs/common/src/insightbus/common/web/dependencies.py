"""What the HTTP entrypoints of every service share: finding the service's application
object, the caller behind an access token, and page parameters.

Dependencies are ``async def`` so that FastAPI does not run them in a worker thread, and
kept flat: FastAPI solves every node of the tree on every request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from starlette.requests import HTTPConnection

from insightbus.common.auth import AccessTokenVerifier, InvalidToken, bearer_token
from insightbus.common.errors import Unauthenticated, Unavailable

T = TypeVar("T")

_PROVIDED = "insightbus_provided"


def _registry(app: FastAPI) -> dict[type, object]:
    registry: dict[type, object] | None = getattr(app.state, _PROVIDED, None)
    if registry is None:
        registry = {}
        setattr(app.state, _PROVIDED, registry)
    return registry


def provide(app: FastAPI, value: object) -> None:
    """Make ``value`` (a service's application object) reachable from its routes, by its
    type: the one way routes find what the bootstrap built. Called once the service has
    started; ``withdraw`` when it stops."""
    _registry(app)[type(value)] = value


def withdraw(app: FastAPI, kind: type) -> None:
    _registry(app).pop(kind, None)


def provided(connection: HTTPConnection, kind: type[T]) -> T:
    """The ``kind`` object the service's bootstrap provided (to a route or a socket); 503
    while it is starting."""
    value = _registry(connection.app).get(kind)
    if value is None:
        raise Unavailable("the service is starting")
    assert isinstance(value, kind)
    return value


def token_of(request: Request, missing: str = "authentication required") -> str:
    """The bearer token of ``Authorization``; 401 when there is none."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise Unauthenticated(missing)
    return token


def subject_of(verifier: AccessTokenVerifier, token: str) -> str:
    """The user an access token was issued to; 401 when it is not a valid one."""
    try:
        return verifier.verify(token).subject
    except InvalidToken as exc:
        raise Unauthenticated(str(exc)) from None


class BearerScheme(SecurityBase):
    """A bearer token from ``Authorization``. Being a ``SecurityBase``, FastAPI lists it as
    a security scheme in the OpenAPI document (the "Authorize" button of /docs)."""

    def __init__(self, scheme_name: str, description: str) -> None:
        self.model = HTTPBearerModel(description=description)
        self.scheme_name = scheme_name


class AccessTokenUser(BearerScheme):
    """The id of the user whose access token the request carries; 401 otherwise."""

    def __init__(
        self,
        verifier_of: Callable[[Request], AccessTokenVerifier],
        *,
        scheme_name: str = "AccessToken",
        description: str = "an access token from /api/v1/auth/login",
    ) -> None:
        super().__init__(scheme_name, description)
        self._verifier_of = verifier_of

    async def __call__(self, request: Request) -> str:
        return subject_of(self._verifier_of(request), token_of(request))


MAX_OFFSET = 1_000_000


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int


def page_params(default: int, maximum: int) -> Callable[..., Awaitable[PageParams]]:
    """The dependency for ``?limit=&offset=`` with these bounds:
    ``Page = Annotated[PageParams, Depends(page_params(20, 100))]``."""

    async def params(
        limit: Annotated[int, Query(ge=1, le=maximum, description="page size")] = default,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> PageParams:
        return PageParams(limit, offset)

    # This module's annotations are strings (``from __future__ import annotations``), which
    # FastAPI resolves in the module's globals, where ``maximum`` is not: give it the objects.
    params.__annotations__ = {
        "limit": Annotated[int, Query(ge=1, le=maximum, description="page size")],
        "offset": Annotated[int, Query(ge=0, le=MAX_OFFSET)],
        "return": PageParams,
    }
    return params


def page(items: Sequence[Any], total: int, params: PageParams) -> dict[str, Any]:
    """The page shape of every list route."""
    return {"items": list(items), "total": total, "limit": params.limit, "offset": params.offset}
