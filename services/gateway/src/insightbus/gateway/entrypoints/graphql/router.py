"""``/graphql``: the GraphQL entrypoint, mounted by the gateway's bootstrap.

Queries and mutations (``POST /graphql``) authenticate exactly as the REST routes do (the
same ``TokenOrApiKeyUser`` dependency: ``Authorization: Bearer`` or ``X-API-Key``; a request
without either is the same 401), and count against the same rate limit (bootstrap mounts the
limiter on ``/graphql`` too). Subscriptions (``graphql-transport-ws`` on ``/graphql``) take an
access token in the ``connection_init`` payload (``{"Authorization": "Bearer <token>"}`` or
``{"token": ...}``) or the upgrade's ``Authorization`` header; without a valid one the socket
is closed with 4403 before anything runs (and a subscribe before connection_init is 4401, as
the protocol says). An API key does not open a socket: the live streams are the notifier's,
which takes access tokens.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Request
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from insightbus.common.auth import InvalidToken, bearer_token
from insightbus.common.web.dependencies import provided
from insightbus.gateway.app.gateway import Gateway
from insightbus.gateway.entrypoints.graphql.context import Context
from insightbus.gateway.entrypoints.graphql.schema import SCHEMA
from insightbus.gateway.entrypoints.http.dependencies import TokenOrApiKeyUser

PATH = "/graphql"
MAX_SUBSCRIPTIONS = 10  # operations at once on one socket

_caller = TokenOrApiKeyUser("AccessToken", "an access token, or an API key in X-API-Key")
_ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 (compared with, not bound to)


def _own_address(connection: HTTPConnection) -> str:
    """The address this server answered the socket on: the notifier's in the embedded mode."""
    host, port = connection.scope.get("server") or ("127.0.0.1", 8000)
    host = "127.0.0.1" if host in _ANY_ADDRESS else host
    host = f"[{host}]" if ":" in host else host
    return f"ws://{host}:{port}"


async def _context(connection: HTTPConnection) -> Context:
    gateway = provided(connection, Gateway)
    if connection.scope["type"] == "websocket":
        # Authenticated at connection_init (``on_ws_connect``), not at the upgrade.
        url = gateway.settings.notifier_internal_url or _own_address(connection)
        return Context(gateway, None, notifier_url=url)
    assert isinstance(connection, Request)
    return Context(gateway, await _caller(connection))


def _socket_token(context: Context) -> str | None:
    params = context.connection_params if isinstance(context.connection_params, dict) else {}
    for name in ("Authorization", "authorization"):
        value = params.get(name)
        if isinstance(value, str):
            return bearer_token(value) or value
    token = params.get("token")
    if isinstance(token, str) and token:
        return token
    request = context.request
    return None if request is None else bearer_token(request.headers.get("authorization"))


class GatewayGraphQL(GraphQLRouter[Context, None]):
    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        token = _socket_token(context)
        if not token:
            raise ConnectionRejectionError({"message": "an access token is required"})
        try:
            context.user_id = context.gateway.verifier.verify(token).subject
        except InvalidToken as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from None
        context.token = token
        unset: UnsetType = UNSET
        return unset


def graphql_router(**options: Any) -> GatewayGraphQL:
    return GatewayGraphQL(
        SCHEMA,
        path=PATH,
        context_getter=_context,
        graphql_ide=None,  # no page of scripts from elsewhere under the API's policy
        allow_queries_via_get=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        # Each subscription holds a socket to the notifier (which caps a user's channels).
        max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
        connection_init_wait_timeout=timedelta(seconds=10),
        include_in_schema=False,  # not in the OpenAPI document (the SDK is generated from it)
        **options,
    )
