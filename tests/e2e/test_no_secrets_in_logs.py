"""No credential in the log of `insightbus up`, wherever a client puts it (a URL, headers,
the ``Sec-WebSocket-Protocol`` a browser can set), even at DEBUG."""

from __future__ import annotations

import json
import uuid
from contextlib import aclosing

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from insightbus.common.testing.factories import eventually
from tests.conftest import StackFactory
from tests.e2e.flow import TRANSCRIPT, create_session, upload

JWT_SECRET = "log-test-secret-" + "s" * 40


async def watch(
    url: str, subprotocols: list[Subprotocol] | None = None
) -> tuple[str | None, list[str]]:
    """The subprotocol the server selected, and the types of a session socket's messages
    up to ``analysis_complete`` (replayed, then live)."""
    types: list[str] = []
    async with connect(url, subprotocols=subprotocols) as ws:
        while not types or types[-1] not in ("analysis_complete", "analysis_failed"):
            types.append(json.loads(await ws.recv())["type"])
        return ws.subprotocol, types


async def test_a_session_flow_leaves_no_token_or_secret_in_the_log(
    stack_factory: StackFactory,
) -> None:
    stack = stack_factory(
        env={"INSIGHTBUS_JWT_SECRET": JWT_SECRET, "INSIGHTBUS_LOG_LEVEL": "DEBUG"}
    )
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    password = "correct horse battery"
    async with aclosing(httpx.AsyncClient(base_url=stack.base_url, timeout=10)) as client:
        r = await client.post(
            "/api/v1/auth/register", json={"email": email, "password": password, "name": "Ada"}
        )
        assert r.status_code == 201, r.text
        user_id = r.json()["data"]["user"]["id"]
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        first = r.json()["data"]
        client.headers["Authorization"] = f"Bearer {first['access_token']}"
        session_id = await create_session(client)
        await upload(client, session_id, "session.json", json.dumps(TRANSCRIPT).encode())
        # The token in the URL, as a client that cannot set headers sends it.
        events = f"{stack.ws_url}/api/v1/sessions/{session_id}/events"
        _, types = await watch(f"{events}?token={first['access_token']}&last_event_id=")
        assert types[-1] == "analysis_complete"

        r = await client.post(
            "/api/v1/auth/refresh", headers={"Authorization": f"Bearer {first['refresh_token']}"}
        )
        assert r.status_code == 200, r.text
        second = r.json()["data"]
        # The refreshed token as a browser sends it: new WebSocket(url, ["bearer", "bearer." + t])
        selected, types = await watch(
            events, [Subprotocol("bearer"), Subprotocol(f"bearer.{second['access_token']}")]
        )
        assert selected == "bearer" and types[0] == "analysis_progress"
        assert types[-1] == "analysis_complete"
        # Other credential-looking parameters, on the user channel.
        async with connect(
            f"{stack.ws_url}/api/v1/ws/{user_id}?access_token={second['access_token']}"
            "&api_key=ib_key_value&Signature=sig_value&password=pw_value"
        ) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv())["type"] == "pong"

        # The sentinel: a last socket whose log line, once there, follows every other.
        sentinel = f"sentinel-{uuid.uuid4().hex}"
        async with connect(
            f"{stack.ws_url}/api/v1/sessions/{sentinel}/events?token={second['refresh_token']}"
        ) as ws:
            with pytest.raises(ConnectionClosed):
                await ws.recv()
        await eventually(lambda: sentinel in stack.logs(), timeout=10)

    log = stack.logs()
    secrets = {
        "access token": first["access_token"],
        "refresh token": first["refresh_token"],
        "refreshed access token": second["access_token"],
        "refreshed refresh token": second["refresh_token"],
        "JWT secret": JWT_SECRET,
        "API key": "ib_key_value",
        "signature": "sig_value",
        "password": "pw_value",
    }
    for what, value in secrets.items():
        assert value not in log, f"the {what} is in the log"
    assert f"/api/v1/sessions/{session_id}/events?token=[redacted]&last_event_id=" in log
    assert f"{sentinel}/events?token=[redacted]" in log
    assert (
        "access_token=[redacted]&api_key=[redacted]&Signature=[redacted]&password=[redacted]" in log
    )
    assert password not in log
