"""What every WebSocket route of the notifier shares: close codes, where the token is (and
the handshake that answers for it), and the application object."""

from __future__ import annotations

from fastapi import WebSocket

from insightbus.common.auth import bearer_token
from insightbus.common.web.dependencies import provided
from insightbus.notifier.app.application import Notifier
from insightbus.notifier.domain.sockets import Closing

# Application close codes (4000-4999), mirroring the HTTP statuses they stand for.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY = 4429
CLOSE_TOO_SLOW = 4008  # policy violation: the client fell behind; it resumes with last_event_id
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
MAX_CLIENT_MESSAGE = 4096
# ``Sec-WebSocket-Protocol: bearer, bearer.<access token>``: how a browser sends the token
# without putting it in the URL; the server selects ``bearer``.
BEARER_SUBPROTOCOL = "bearer"

_CLOSE_CODES = {
    Closing.SESSION_DELETED: CLOSE_NOT_FOUND,
    Closing.TOO_SLOW: CLOSE_TOO_SLOW,
    Closing.SHUTDOWN: CLOSE_GOING_AWAY,
}


def close_code(why: Closing | None) -> int:
    return CLOSE_NORMAL if why is None else _CLOSE_CODES[why]


def socket_token(websocket: WebSocket) -> str | None:
    """The access token: ``Authorization: Bearer`` when the client can set headers; else
    the ``bearer.<token>`` subprotocol (what a browser can set); else ``?token=``."""
    return (
        bearer_token(websocket.headers.get("authorization"))
        or _subprotocol_token(websocket)
        or websocket.query_params.get("token")
    )


async def accept(websocket: WebSocket) -> str | None:
    """Accept the socket and return its token (``None`` when it has none). A client that
    offers ``bearer`` or ``bearer.<token>`` in ``Sec-WebSocket-Protocol`` gets ``bearer``
    selected in the handshake: a browser drops a socket whose answer selects none.
    Accepting comes first: a close code (4401, 4404, ...) is sent on an open socket."""
    offered = _offered(websocket)
    wants_bearer = BEARER_SUBPROTOCOL in offered or any(_token_in(p) for p in offered)
    await websocket.accept(subprotocol=BEARER_SUBPROTOCOL if wants_bearer else None)
    return socket_token(websocket)


def _offered(websocket: WebSocket) -> list[str]:
    return [str(p) for p in websocket.scope.get("subprotocols", ())]


def _token_in(subprotocol: str) -> str | None:
    prefix, dot, token = subprotocol.partition(".")
    return token if dot and prefix.lower() == BEARER_SUBPROTOCOL and token else None


def _subprotocol_token(websocket: WebSocket) -> str | None:
    return next((t for t in map(_token_in, _offered(websocket)) if t), None)


def notifier_of(websocket: WebSocket) -> Notifier:
    """The application object, found as the HTTP routes find it."""
    return provided(websocket, Notifier)
