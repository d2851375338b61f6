"""``WS /api/v1/ws/{user_id}``: a user's own channel.

Anyone may open the channel and use ping and echo; only a socket whose access token's
subject is ``user_id`` gets the user's data (notifications, emotions in motivation).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError, field_validator

from insightbus.common.auth import InvalidToken
from insightbus.common.events import utcnow
from insightbus.notifier.app.application import Notifier
from insightbus.notifier.domain.motivation import DEFAULT_STRESS_LEVEL, MAX_CHALLENGE, motivation
from insightbus.notifier.domain.presence import (
    Change,
    PresenceEntry,
    client_label,
    listing,
    user_message,
    user_scope,
)
from insightbus.notifier.domain.sockets import UserSocket
from insightbus.notifier.entrypoints.ws.sockets import (
    CLOSE_FORBIDDEN,
    CLOSE_GOING_AWAY,
    CLOSE_TOO_MANY,
    CLOSE_UNAUTHENTICATED,
    MAX_CLIENT_MESSAGE,
    accept,
    notifier_of,
)

MESSAGES_PER_SECOND = 20

log = logging.getLogger(__name__)

router = APIRouter(tags=["live updates"])


class MotivationRequest(BaseModel):
    """What the diary clients send; called without arguments they send an empty challenge
    (or none) and no stress level, and get a general message at the middle level."""

    type: str
    current_challenge: str | None = Field(default="", max_length=MAX_CHALLENGE)
    stress_level: int | None = Field(default=DEFAULT_STRESS_LEVEL, ge=1, le=10)

    @field_validator("stress_level", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("stress_level must be an integer from 1 to 10, not a boolean")
        return value


@router.websocket("/api/v1/ws/{user_id}")
async def user_channel(websocket: WebSocket, user_id: str) -> None:
    notifier = notifier_of(websocket)
    token = await accept(websocket)
    authenticated = False
    if token is not None:
        try:
            subject = notifier.verifier.verify(token).subject
        except InvalidToken as exc:
            await websocket.close(CLOSE_UNAUTHENTICATED, str(exc))
            return
        if subject != user_id:
            await websocket.close(CLOSE_FORBIDDEN, "the token is another user's")
            return
        authenticated = True
    socket = UserSocket(user_id, authenticated)
    if not notifier.users.add(socket):
        await websocket.close(CLOSE_TOO_MANY, "too many connections for this user")
        return
    # Only the user's own sockets (authenticated) are their devices.
    entry = (
        PresenceEntry(
            connection_id=uuid.uuid4().hex,
            scope=user_scope(user_id),
            user_id=user_id,
            client=client_label(
                websocket.query_params.get("client"), websocket.headers.get("user-agent")
            ),
            connected_at=utcnow().isoformat(),
        )
        if authenticated
        else None
    )

    def tell(change: Change) -> None:
        socket.notice(user_message(user_id, change))

    try:
        if entry is not None:
            await notifier.presence.join(entry, tell)
        await _serve(websocket, notifier, socket, entry)
    except WebSocketDisconnect:
        pass
    finally:
        notifier.users.remove(socket)
        if entry is not None:
            try:
                await notifier.presence.leave(entry)
            except Exception:  # the record expires on its own
                log.warning("presence: could not remove a connection", exc_info=True)


async def _serve(
    websocket: WebSocket, notifier: Notifier, socket: UserSocket, entry: PresenceEntry | None
) -> None:
    receiving = asyncio.create_task(websocket.receive_text())
    try:
        while True:
            getting = asyncio.create_task(socket.queue.get())
            done, _ = await asyncio.wait({getting, receiving}, return_when=asyncio.FIRST_COMPLETED)
            if getting in done:
                notification = getting.result()
                if notification is None:
                    await websocket.close(CLOSE_GOING_AWAY)
                    return
                await websocket.send_json(notification)
            else:
                getting.cancel()
            if receiving in done:
                raw = receiving.result()  # raises WebSocketDisconnect when the client left
                answer = await _answer(raw, notifier, socket, entry)
                if answer is not None:
                    await websocket.send_json(answer)
                receiving = asyncio.create_task(websocket.receive_text())
    finally:
        receiving.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
            await receiving


async def _answer(
    raw: str, notifier: Notifier, socket: UserSocket, entry: PresenceEntry | None
) -> dict[str, Any] | None:
    """The answer to send now, or None when it was queued (presence)."""
    user_id = socket.user_id
    if not socket.allow_message(MESSAGES_PER_SECOND):
        return _error(user_id, f"too many messages: at most {MESSAGES_PER_SECOND} a second")
    if len(raw) > MAX_CLIENT_MESSAGE:
        return _error(user_id, f"message too large (at most {MAX_CLIENT_MESSAGE} characters)")
    try:
        message = json.loads(raw)
    except json.JSONDecodeError:
        return _error(user_id, "invalid JSON")
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return _error(user_id, "a message needs a string 'type'")
    if message["type"] == "ping":
        return {"type": "pong", "user_id": user_id, "message": "Pong!"}
    if message["type"] == "presence":
        if entry is None:
            return _error(user_id, "presence needs the user's token")
        present = await notifier.presence.query(entry)
        # Through the queue: after the changes told before, before those told after.
        socket.notice(
            {
                "type": "presence",
                "user_id": user_id,
                "you": entry.connection_id,
                "connections": listing(present),
            }
        )
        return None
    if message["type"] == "motivation_requested":
        try:
            request = MotivationRequest.model_validate(message)
        except ValidationError as exc:
            details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
            return {**_error(user_id, "invalid motivation request"), "details": details}
        # null is taken as not given
        challenge = request.current_challenge or ""
        stress_level = (
            DEFAULT_STRESS_LEVEL if request.stress_level is None else request.stress_level
        )
        emotions = await notifier.recent_emotions(user_id) if socket.authenticated else []
        return {
            "type": "motivation_generated",
            "user_id": user_id,
            "motivation_text": motivation(challenge, stress_level, emotions),
            "current_challenge": challenge,
            "stress_level": stress_level,
        }
    return {"type": "echo", "user_id": user_id, "message": f"Received: {raw}"}


def _error(user_id: str, message: str) -> dict[str, Any]:
    return {"type": "error", "user_id": user_id, "message": message}
