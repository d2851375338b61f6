"""``WS /api/v1/sessions/{id}/events``: a session's live messages, after what was missed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from insightbus.common.auth import InvalidToken
from insightbus.common.errors import NotFound
from insightbus.common.events import utcnow
from insightbus.notifier.app.application import Notifier
from insightbus.notifier.domain.presence import (
    Change,
    PresenceEntry,
    client_label,
    listing,
    session_message,
    session_scope,
)
from insightbus.notifier.domain.sockets import Connection
from insightbus.notifier.entrypoints.ws.sockets import (
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    MAX_CLIENT_MESSAGE,
    accept,
    close_code,
    notifier_of,
)

log = logging.getLogger(__name__)

router = APIRouter(tags=["live updates"])


@router.websocket("/api/v1/sessions/{session_id}/events")
async def session_events(websocket: WebSocket, session_id: str) -> None:
    notifier = notifier_of(websocket)
    token = await accept(websocket)
    try:
        if token is None:
            raise InvalidToken("missing token")
        user_id = notifier.verifier.verify(token).subject
    except InvalidToken as exc:
        await websocket.close(CLOSE_UNAUTHENTICATED, str(exc))
        return
    try:
        await notifier.watchable(session_id, user_id)
    except NotFound as exc:
        # Another user's session answers as one that does not exist, after the same wait.
        await websocket.close(CLOSE_NOT_FOUND, exc.message)
        return

    connection = Connection(session_id, user_id)
    # Listen before replaying, so nothing published during the replay is missed; what
    # arrives twice (replayed and queued) is skipped by its sequence number, and what
    # arrives out of order is put back in order from the log.
    notifier.sessions.add(connection)
    entry = PresenceEntry(
        connection_id=uuid.uuid4().hex,
        scope=session_scope(session_id),
        user_id=user_id,
        client=client_label(
            websocket.query_params.get("client"), websocket.headers.get("user-agent")
        ),
        connected_at=utcnow().isoformat(),
    )

    def tell(change: Change) -> None:
        connection.notice(session_message(change))

    try:
        await notifier.presence.join(entry, tell)
        await _serve(
            websocket, notifier, connection, entry, websocket.query_params.get("last_event_id")
        )
    except WebSocketDisconnect:
        pass
    finally:
        notifier.sessions.remove(connection)
        try:
            await notifier.presence.leave(entry)
        except Exception:  # the record expires on its own
            log.warning("presence: could not remove a connection", exc_info=True)


async def _serve(
    websocket: WebSocket,
    notifier: Notifier,
    connection: Connection,
    entry: PresenceEntry,
    last_event_id: str | None,
) -> None:
    sent = 0
    for missed in await notifier.log.after(connection.session_id, last_event_id):
        await websocket.send_json(missed.wire())
        sent = missed.seq
    receiving = asyncio.create_task(_receive(websocket, notifier, connection, entry))
    try:
        while True:
            getting = asyncio.create_task(connection.queue.get())
            done, _ = await asyncio.wait({getting, receiving}, return_when=asyncio.FIRST_COMPLETED)
            if receiving in done:
                getting.cancel()
                receiving.result()  # re-raises WebSocketDisconnect
                return
            message = getting.result()
            if message is None:
                await websocket.close(close_code(connection.closing))
                return
            if isinstance(message, dict):  # presence: not in the log
                await websocket.send_json(message)
                continue
            if message.seq <= sent:
                continue  # replayed already, or another writer's copy
            if message.seq > sent + 1:
                # Numbers have no gaps: what is missing was logged by a writer that has
                # not pushed it yet (another topic's consumer). Send it first, from the log.
                for missed in await notifier.log.after_seq(connection.session_id, sent):
                    if missed.seq >= message.seq:
                        break
                    await websocket.send_json(missed.wire())
                    sent = missed.seq
            await websocket.send_json(message.wire())
            sent = message.seq
    finally:
        receiving.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
            await receiving


async def _receive(
    websocket: WebSocket, notifier: Notifier, connection: Connection, entry: PresenceEntry
) -> None:
    """Answer pings and presence queries; anything else gets an error message, and the
    socket stays open."""
    while True:
        raw = await websocket.receive_text()
        if len(raw) > MAX_CLIENT_MESSAGE:
            await websocket.send_json({"type": "error", "data": {"error": "message too large"}})
            continue
        try:
            message = json.loads(raw)
        except json.JSONDecodeError:
            await websocket.send_json({"type": "error", "data": {"error": "invalid JSON"}})
            continue
        if isinstance(message, dict) and message.get("type") == "ping":
            await websocket.send_json({"type": "pong"})
        elif isinstance(message, dict) and message.get("type") == "presence":
            present = await notifier.presence.query(entry)
            # Through the queue: after the changes told before, before those told after.
            connection.notice(
                {
                    "type": "presence",
                    "data": {"you": entry.connection_id, "connections": listing(present)},
                }
            )
        else:
            error = 'unsupported message; send {"type": "ping"} or {"type": "presence"}'
            await websocket.send_json({"type": "error", "data": {"error": error}})
