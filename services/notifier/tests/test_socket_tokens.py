"""The access token in ``Sec-WebSocket-Protocol`` (what a browser can set), on both sockets."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from insightbus.common.events.analysis import AnalysisCompleted, AnalysisProgressed
from services.notifier.tests.conftest import Live, ready, receive

IDS = {"session_id": "s1", "user_id": "u1", "content_id": "c1"}


def bearer(token: str) -> list[Subprotocol]:
    """What a browser passes: ``new WebSocket(url, ["bearer", "bearer." + token])``."""
    return [Subprotocol("bearer"), Subprotocol(f"bearer.{token}")]


async def test_session_socket_takes_the_token_as_a_subprotocol(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with connect(live.socket_url("s1"), subprotocols=bearer(live.token("u1"))) as ws:
        assert ws.subprotocol == "bearer"  # selected in the handshake, or browsers drop it
        await ready(ws)
        sent = await live.publish(AnalysisProgressed(**IDS, stage="received", progress=5))
        message = await receive(ws)
        assert message["id"] == sent.id and message["type"] == "analysis_progress"


async def test_user_channel_takes_the_token_as_a_subprotocol(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with connect(
        f"{live.url}/api/v1/ws/u1",
        subprotocols=bearer(live.token("u1")),
    ) as ws:
        assert ws.subprotocol == "bearer"
        await ws.send(json.dumps({"type": "ping"}))
        assert await receive(ws) == {"type": "pong", "user_id": "u1", "message": "Pong!"}
        # The user's own notifications: only an authenticated channel gets them.
        await live.publish(
            AnalysisCompleted(
                **IDS, emotions=1, topics=0, insights=0, action_items=0, duration_ms=1, model="m"
            )
        )
        note = await receive(ws)
        assert note["type"] == "analysis_complete" and note["session_id"] == "s1"
    # Authenticated: another user's token in the subprotocol is refused, as in the query.
    async with connect(
        f"{live.url}/api/v1/ws/u1",
        subprotocols=bearer(live.token("u2")),
    ) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_a_bad_token_in_the_subprotocol_is_refused(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with connect(
        live.socket_url("s1"),
        subprotocols=bearer("garbage"),
    ) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
