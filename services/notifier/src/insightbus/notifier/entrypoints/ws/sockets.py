"""What every WebSocket route of the notifier shares: close codes, where the token is, and
the application object."""

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

_CLOSE_CODES = {
    Closing.SESSION_DELETED: CLOSE_NOT_FOUND,
    Closing.TOO_SLOW: CLOSE_TOO_SLOW,
    Closing.SHUTDOWN: CLOSE_GOING_AWAY,
}


def close_code(why: Closing | None) -> int:
    return CLOSE_NORMAL if why is None else _CLOSE_CODES[why]


def socket_token(websocket: WebSocket) -> str | None:
    """``Authorization: Bearer`` when the client can set headers, else ``?token=``."""
    return bearer_token(websocket.headers.get("authorization")) or websocket.query_params.get(
        "token"
    )


def notifier_of(websocket: WebSocket) -> Notifier:
    """The application object, found as the HTTP routes find it."""
    return provided(websocket, Notifier)
