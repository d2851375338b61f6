"""Services killed with -9 mid-work, as separate processes over tansu, SecantusDB and a
FalkorDB (the graph the analysis projects into): what they accepted is finished after they
come back, once each."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
from collections.abc import Callable
from contextlib import ExitStack, aclosing
from pathlib import Path

import httpx
import pytest

from insightbus.common.testing import processes
from insightbus.common.testing.falkordb import run_falkordb
from insightbus.common.testing.secantus import run_secantus
from insightbus.common.testing.tansu import run_tansu
from tests.conftest import free_port
from tests.e2e.flow import TRANSCRIPT, create_session, signed_ticket_job, signed_up_client
from tests.e2e.flow import upload as upload_content
from tests.e2e.services import service_env, start_service, wait_until

pytestmark = pytest.mark.timeout(300)


class Stack:
    """Services as processes, each restartable with its data (the store and bus are shared)."""

    def __init__(self, stack: ExitStack, tmp: Path, bootstrap: str, mongo: str) -> None:
        self._stack, self._tmp, self._bootstrap, self._mongo = stack, tmp, bootstrap, mongo
        self._graph = stack.enter_context(run_falkordb())
        self.ports: dict[str, int] = {}
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        port = self.ports.setdefault(name, free_port())
        env = service_env(name, port, self._tmp, self._bootstrap, self._mongo, self._graph)
        log = self._tmp / f"{name}.log"
        self.running[name] = process = start_service(name, env, log)
        self._stack.callback(processes.stop, process)
        wait_until(port, process, log, "/readyz")

    def kill(self, name: str) -> None:
        processes.stop(self.running[name], signal.SIGKILL)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"


async def until(condition: Callable[[], object], timeout: float, every: float = 0.1) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():  # type: ignore[misc]
            await asyncio.sleep(every)


def test_a_classifier_killed_mid_job_finishes_it_with_every_ticket_once(tmp_path: Path) -> None:
    with ExitStack() as stack:
        services = Stack(
            stack, tmp_path, stack.enter_context(run_tansu()), stack.enter_context(run_secantus())
        )
        services.start("gateway")
        services.start("classifier")

        async def scenario() -> dict[str, object]:
            client, _, _ = await signed_up_client(services.url("gateway"))
            async with aclosing(client):
                job_id = await signed_ticket_job(client, 2000)

                async def under_way() -> bool:
                    job = (await client.get(f"/api/tickets/{job_id}")).json()["data"]
                    return bool(0 < job["progress"]["processed"] < 2000)

                await until(under_way, 120, every=0.05)
                services.kill("classifier")
                await asyncio.to_thread(services.start, "classifier")

                async def ended() -> bool:
                    job = (await client.get(f"/api/tickets/{job_id}")).json()["data"]
                    return job["status"] in ("completed", "failed")

                await until(ended, 180, every=0.5)
                r = await client.get(f"/api/tickets/{job_id}")
                return dict(r.json()["data"])

        job = asyncio.run(scenario())
        assert job["status"] == "completed", job
        keys = [t["issue_key"] for t in job["tickets"]]  # type: ignore[attr-defined]
        keys += [u["issue_key"] for u in job["unclassified"]]  # type: ignore[attr-defined]
        assert sorted(keys) == sorted(f"T-{i}" for i in range(1, 2001))  # each exactly once


def test_an_upload_in_the_gateways_outbox_is_published_after_a_kill_9(tmp_path: Path) -> None:
    """The broker is away, so the upload waits in the outbox (stored, not yet relayed),
    when the gateway is killed; started again, it publishes it and the analysis runs."""
    broker_port = free_port()
    with ExitStack() as stack:
        broker = ExitStack()
        stack.callback(broker.close)
        bootstrap = broker.enter_context(run_tansu(port=broker_port))
        services = Stack(stack, tmp_path, bootstrap, stack.enter_context(run_secantus()))
        services.start("gateway")
        services.start("analysis")

        async def sign_up() -> str:
            client, token, _ = await signed_up_client(services.url("gateway"))
            await client.aclose()
            return token

        token = asyncio.run(sign_up())
        headers = {"Authorization": f"Bearer {token}"}

        async def accepted_while_away() -> str:
            async with httpx.AsyncClient(
                base_url=services.url("gateway"), headers=headers, timeout=30
            ) as http:
                session_id = await create_session(http, "outbox")
                await upload_content(
                    http, session_id, "session.json", json.dumps(TRANSCRIPT).encode()
                )
                return session_id

        broker.close()
        session_id = asyncio.run(accepted_while_away())
        services.kill("gateway")
        broker.enter_context(run_tansu(port=broker_port))
        services.start("gateway")

        async def analysed() -> None:
            async with httpx.AsyncClient(
                base_url=services.url("gateway"), headers=headers, timeout=30
            ) as http:

                async def completed() -> bool:
                    r = await http.get(f"/api/v1/sessions/{session_id}/analysis/status")
                    return r.status_code == 200 and r.json()["data"]["status"] == "completed"

                await until(completed, 120, every=0.5)

        asyncio.run(analysed())
