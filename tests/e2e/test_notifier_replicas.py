"""Two notifier replicas as separate processes over tansu and SecantusDB: every socket on
either gets each of its session's messages once, and when one replica is killed its clients
resume on the other with ``last_event_id``, missing nothing and getting nothing twice."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from insightbus.common.auth import TokenCodec, TokenKind
from insightbus.common.bus.kafka import KafkaBus
from insightbus.common.events import Envelope
from insightbus.common.events.analysis import AnalysisProgressed
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.settings import Settings
from insightbus.common.testing import processes
from insightbus.common.testing.factories import publish
from insightbus.common.testing.secantus import run_secantus
from insightbus.common.testing.tansu import run_tansu
from tests.conftest import free_port
from tests.e2e.services import SECRET, start_replicas

pytestmark = pytest.mark.timeout(240)
USER = "u-replicas"


def progress(session_id: str, n: int) -> AnalysisProgressed:
    return AnalysisProgressed(
        session_id=session_id, user_id=USER, content_id="c1", stage="emotions", progress=n
    )


@asynccontextmanager
async def socket(
    port: int, session_id: str, token: str, after: str | None = None
) -> AsyncIterator[ClientConnection]:
    query = f"?last_event_id={after}" if after else ""
    url = f"ws://127.0.0.1:{port}/api/v1/sessions/{session_id}/events{query}"
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        if after is None:  # answered once it is registered (a resumed one replays first)
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "pong"
        yield ws


async def ids(ws: ClientConnection, count: int) -> list[str]:
    got: list[str] = []
    while len(got) < count:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if message["type"] != "pong":
            got.append(message["id"])
    return got


async def deleted_everywhere(bus: KafkaBus, ports: list[int], token: str) -> None:
    """A session deleted (recorded by one replica) closes its sockets on both, and neither
    lets a socket in again."""
    session_id = f"s-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    await publish(
        bus,
        SessionCreated(session_id=session_id, user_id=USER, title="t", created_at=now),
        "gateway",
    )
    async with socket(ports[0], session_id, token) as a, socket(ports[1], session_id, token) as b:
        await publish(bus, SessionDeleted(session_id=session_id, user_id=USER), "gateway")
        for ws in (a, b):
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 20)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404
    for port in ports:
        url = f"ws://127.0.0.1:{port}/api/v1/sessions/{session_id}/events"
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 20)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


def test_every_socket_on_every_replica_gets_each_message_once_even_when_one_dies(
    tmp_path: Path,
) -> None:
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        bootstrap = stack.enter_context(run_tansu())
        mongo = stack.enter_context(run_secantus())
        replicas = start_replicas(stack, "notifier", ports, tmp_path, bootstrap, mongo)
        token = TokenCodec.from_settings(Settings(jwt_secret=SECRET)).issue(USER, TokenKind.access)[
            0
        ]
        session_id = f"s-{uuid.uuid4().hex[:8]}"

        async def scenario() -> None:
            bus = KafkaBus(bootstrap, session_timeout_ms=2000, heartbeat_interval_ms=500)
            await bus.start()
            try:
                await publish(
                    bus,
                    SessionCreated(
                        session_id=session_id, user_id=USER, title="t", created_at=datetime.now(UTC)
                    ),
                    "gateway",
                )
                async with (
                    socket(ports[0], session_id, token) as a1,
                    socket(ports[0], session_id, token) as a2,
                    socket(ports[1], session_id, token) as b1,
                ):
                    sent: list[Envelope] = [
                        await publish(bus, progress(session_id, n), "analysis") for n in range(20)
                    ]
                    expected = [e.id for e in sent]
                    for ws in (a1, a2, b1):
                        assert await ids(ws, 20) == expected  # each once, in order
                    await deleted_everywhere(bus, ports, token)
                    # Replica 0 dies with its clients connected; they come back on replica 1.
                    processes.stop(replicas[0], signal.SIGKILL)
                    more = [
                        await publish(bus, progress(session_id, n), "analysis")
                        for n in range(20, 30)
                    ]
                    expected += [e.id for e in more]
                    assert await ids(b1, 10) == expected[20:]
                async with socket(ports[1], session_id, token, after=expected[19]) as resumed:
                    assert await ids(resumed, 10) == expected[20:]  # replayed: registered
                    last = await publish(bus, progress(session_id, 30), "analysis")
                    assert await ids(resumed, 1) == [last.id]
            finally:
                await bus.stop()

        asyncio.run(scenario())
