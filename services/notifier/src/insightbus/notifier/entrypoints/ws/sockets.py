"""What every WebSocket route of the notifier shares: close codes and where the token is."""

from __future__ import annotations

from fastapi import WebSocket

from insightbus.common.auth import bearer_token

# Application close codes (4000-4999), mirroring the HTTP statuses they stand for.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_MANY = 4429
MAX_CLIENT_MESSAGE = 4096


def socket_token(websocket: WebSocket) -> str | None:
    """``Authorization: Bearer`` when the client can set headers, else ``?token=``."""
    return bearer_token(websocket.headers.get("authorization")) or websocket.query_params.get(
        "token"
    )
