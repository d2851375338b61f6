"""Presence across two notifier replicas (separate processes over tansu and SecantusDB): a
user's device on replica A sees a device join and leave on replica B, and after ``kill -9``
of B, sees B's device ``left`` once its record has expired."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from insightbus.common.auth import TokenCodec, TokenKind
from insightbus.common.messages import validate_user_message
from insightbus.common.settings import Settings
from insightbus.common.testing import processes
from insightbus.common.testing.secantus import run_secantus
from insightbus.common.testing.tansu import run_tansu
from tests.conftest import free_port
from tests.e2e.services import SECRET, start_replicas

pytestmark = pytest.mark.timeout(240)
USER = "u-presence"
TTL_S = 3


def channel(port: int, client: str) -> str:
    return f"ws://127.0.0.1:{port}/api/v1/ws/{USER}?client={client}"


async def next_message(ws: ClientConnection, timeout: float) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    validate_user_message(message)
    return message


async def presence(ws: ClientConnection) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "presence"}))
    while (message := await next_message(ws, 10))["type"] != "presence":
        pass
    return message


async def change(ws: ClientConnection, type: str, timeout: float) -> dict[str, Any]:
    """The next ``joined``/``left`` (anything else in between fails), within ``timeout``."""
    message = await next_message(ws, timeout)
    assert message["type"] == type, message
    return message


def test_a_device_on_one_replica_sees_devices_come_and_go_on_another(tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        bootstrap = stack.enter_context(run_tansu())
        mongo = stack.enter_context(run_secantus())
        env = {"INSIGHTBUS_PRESENCE_TTL_S": str(TTL_S), "INSIGHTBUS_PRESENCE_INTERVAL_S": "0.2"}
        replicas = start_replicas(stack, "notifier", ports, tmp_path, bootstrap, mongo, env)
        token = TokenCodec.from_settings(Settings(jwt_secret=SECRET)).issue(USER, TokenKind.access)[
            0
        ]
        headers = {"Authorization": f"Bearer {token}"}

        async def scenario() -> None:
            async with connect(channel(ports[0], "phone"), additional_headers=headers) as phone:
                assert [c["client"] for c in (await presence(phone))["connections"]] == ["phone"]
                async with connect(
                    channel(ports[1], "laptop"), additional_headers=headers
                ) as laptop:
                    joined = await change(phone, "joined", 10)
                    assert joined["connection"]["client"] == "laptop"
                    listed = await presence(laptop)  # B sees A's device too
                    assert [c["client"] for c in listed["connections"]] == ["phone", "laptop"]
                left = await change(phone, "left", 10)
                assert left["connection"] == joined["connection"]

                tablet = await connect(channel(ports[1], "tablet"), additional_headers=headers)
                joined = await change(phone, "joined", 10)
                assert joined["connection"]["client"] == "tablet"
                processes.stop(replicas[1], signal.SIGKILL)
                killed = time.monotonic()
                # Nobody closes the tablet's socket: its record expires.
                left = await change(phone, "left", TTL_S + 10)
                assert left["connection"] == joined["connection"]
                assert time.monotonic() - killed <= TTL_S + 5
                assert [c["client"] for c in (await presence(phone))["connections"]] == ["phone"]
                tablet.transport.abort()

        asyncio.run(scenario())
