"""The subscriptions' source: the notifier's own WebSocket endpoints, read as a client.

Why this design: the notifier is what keeps each session's log (numbered, replayable with
``last_event_id``) and each user's channel. In the embedded mode it shares the gateway's
process, but in the distributed mode the gateway has none of its state, and reading the
bus here would mean a second log, a second replay and a second set of ordering rules to
keep in step. So the gateway subscribes as the notifier's client over its public sockets in
both modes, with the caller's own access token (the notifier checks it and the owner again):
``notifier_internal_url`` says where it is; unset, it is the address this very server
answered on (the embedded stack's own). One design, the same behaviour in both modes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlencode

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from insightbus.common.errors import NotFound, Unauthenticated, Unavailable

log = logging.getLogger(__name__)

# The notifier's close codes (``insightbus.notifier.entrypoints.ws.sockets``), mirroring HTTP.
_CLOSE_UNAUTHENTICATED, _CLOSE_FORBIDDEN, _CLOSE_NOT_FOUND = 4401, 4403, 4404
_NORMAL = frozenset({1000, 1001})
_CONTROL = frozenset({"pong", "echo", "error"})


def session_events_url(base: str, session_id: str, after: str | None) -> str:
    url = f"{base.rstrip('/')}/api/v1/sessions/{quote(session_id, safe='')}/events"
    return f"{url}?{urlencode({'last_event_id': after})}" if after else url


def user_channel_url(base: str, user_id: str) -> str:
    return f"{base.rstrip('/')}/api/v1/ws/{quote(user_id, safe='')}"


async def messages(url: str, token: str) -> AsyncIterator[dict[str, Any]]:
    """The JSON messages the notifier pushes on ``url``, until it closes the socket.

    Its refusals come back as domain errors: 4404 (no such session of the caller's, or the
    session was deleted while watched) is ``NotFound``; 4401/4403 ``Unauthenticated``."""
    try:
        async with connect(
            url,
            additional_headers={"authorization": f"Bearer {token}"},
            open_timeout=10,
            max_size=2**22,
        ) as socket:
            async for raw in socket:
                message = json.loads(raw)
                if isinstance(message, dict) and message.get("type") not in _CONTROL:
                    yield message
    except ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd is not None else None
        if code == _CLOSE_NOT_FOUND:
            raise NotFound("session") from None
        if code in (_CLOSE_UNAUTHENTICATED, _CLOSE_FORBIDDEN):
            raise Unauthenticated(exc.rcvd.reason if exc.rcvd else "refused") from None
        if code not in _NORMAL:
            log.warning("the notifier closed a subscription's socket: %s", code)
            raise Unavailable("the live stream was interrupted; resume with `after`") from None
    except (OSError, InvalidStatus, TimeoutError) as exc:
        log.warning("cannot reach the notifier at %s: %s", url.split("?")[0], exc)
        raise Unavailable("live updates are unavailable right now") from None
