"""The broker goes away and comes back empty (tansu keeps nothing) while uploads arrive:
separate processes over tansu, SecantusDB and FalkorDB, as the fault probes ran them."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from contextlib import ExitStack, aclosing
from pathlib import Path

import httpx
import pytest

from insightbus.common.testing import processes
from insightbus.common.testing.falkordb import run_falkordb
from insightbus.common.testing.secantus import run_secantus
from insightbus.common.testing.tansu import run_tansu
from tests.conftest import free_port
from tests.e2e.flow import TRANSCRIPT, create_session, signed_up_client, upload
from tests.e2e.services import service_env, start_service, wait_until

SERVICES = ("gateway", "analysis")
pytestmark = pytest.mark.timeout(300)


async def completed(client: httpx.AsyncClient, session_id: str) -> bool:
    r = await client.get(f"/api/v1/sessions/{session_id}/analysis/status")
    return r.status_code == 200 and r.json()["data"]["status"] == "completed"


def test_uploads_accepted_while_the_broker_is_away_are_analysed_when_it_returns(
    tmp_path: Path,
) -> None:
    broker_port = free_port()
    ports = {name: free_port() for name in SERVICES}
    logs = {name: tmp_path / f"{name}.log" for name in SERVICES}
    with ExitStack() as stack:
        mongo = stack.enter_context(run_secantus())
        graph = stack.enter_context(run_falkordb())  # what the analysis projects into
        broker = ExitStack()
        stack.callback(broker.close)
        bootstrap = broker.enter_context(run_tansu(port=broker_port))
        running: dict[str, subprocess.Popen[bytes]] = {}
        for name in SERVICES:
            env = service_env(name, ports[name], tmp_path, bootstrap, mongo, graph)
            running[name] = start_service(name, env, logs[name])
            stack.callback(processes.stop, running[name])
        for name in SERVICES:
            wait_until(ports[name], running[name], logs[name], "/readyz")
        gateway = f"http://127.0.0.1:{ports['gateway']}"

        async def before() -> tuple[str, list[str]]:
            client, token, _ = await signed_up_client(gateway)
            async with aclosing(client):
                sessions = [await create_session(client, f"before {i}") for i in range(2)]
                for s in sessions:
                    await upload(client, s, "session.json", json.dumps(TRANSCRIPT).encode())
                async with asyncio.timeout(60):
                    while not all([await completed(client, s) for s in sessions]):
                        await asyncio.sleep(0.2)
            return token, sessions

        token, _ = asyncio.run(before())

        broker.close()  # the broker goes away, and its topics with it
        for name in SERVICES:  # a stalled service must not look ready
            wait_until(ports[name], running[name], logs[name], "/readyz", ok=False)

        async def during() -> list[str]:
            accepted = []
            async with httpx.AsyncClient(
                base_url=gateway, timeout=30, headers={"Authorization": f"Bearer {token}"}
            ) as client:
                for i in range(10):
                    r = await client.post("/api/v1/sessions", json={"title": f"away {i}"})
                    assert r.status_code in (201, 503), r.text  # never a 500
                    if r.status_code != 201:
                        continue
                    session_id = r.json()["data"]["session"]["id"]
                    body = json.dumps(TRANSCRIPT).encode()
                    r = await client.post(
                        f"/api/v1/sessions/{session_id}/content",
                        files={"file": ("session.json", body)},
                    )
                    assert r.status_code in (202, 503), r.text
                    if r.status_code == 202:
                        accepted.append(session_id)
            return accepted

        accepted = asyncio.run(during())
        assert accepted, "the gateway keeps accepting uploads: they wait in its outbox"

        broker.enter_context(run_tansu(port=broker_port))  # back, empty
        for name in SERVICES:
            wait_until(ports[name], running[name], logs[name], "/readyz")

        async def after() -> None:
            async with httpx.AsyncClient(
                base_url=gateway, timeout=30, headers={"Authorization": f"Bearer {token}"}
            ) as client:
                try:
                    async with asyncio.timeout(120):
                        while not all([await completed(client, s) for s in accepted]):
                            await asyncio.sleep(0.5)
                except TimeoutError:
                    statuses = [
                        (await client.get(f"/api/v1/sessions/{s}/analysis/status")).json()
                        for s in accepted
                    ]
                    raise AssertionError(f"not all analysed: {statuses}") from None

        asyncio.run(after())

        # And each stops cleanly within its grace with the broker gone (uvicorn re-raises
        # the SIGTERM it handled, so the exit status is -15 either way: the log tells).
        broker.close()
        for name in SERVICES:
            started = time.monotonic()
            processes.stop(running[name], signal.SIGTERM, timeout=25)
            assert time.monotonic() - started < 25
            assert "Application shutdown complete" in logs[name].read_text(errors="replace")
