"""The distributed mode on one machine: gateway, analysis, classifier and notifier as separate
processes, talking only through Kafka (tansu), each with its own MongoDB database (SecantusDB),
the analysis and the gateway sharing a graph server (the test session's FalkorDB)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, aclosing
from pathlib import Path

import httpx
import pytest

from insightbus.common.graph.bolt import BoltConfig
from insightbus.common.testing import processes
from insightbus.common.testing.secantus import run_secantus
from insightbus.common.testing.tansu import run_tansu
from tests.conftest import free_port, graph_env
from tests.e2e.flow import (
    TRANSCRIPT,
    create_session,
    generated_ticket_job,
    signed_up_client,
    ticket_job_when_ended,
    upload,
    watch_until_complete,
)

SERVICES = ("gateway", "analysis", "classifier", "notifier")


@pytest.fixture(scope="module")
def distributed(
    tmp_path_factory: pytest.TempPathFactory, graph_server: BoltConfig
) -> Iterator[dict[str, int]]:
    logs = tmp_path_factory.mktemp("distributed")
    with ExitStack() as stack:
        bootstrap = stack.enter_context(run_tansu())
        mongo = stack.enter_context(run_secantus())
        ports = {name: free_port() for name in SERVICES}
        running: dict[str, subprocess.Popen[bytes]] = {}
        for name in SERVICES:
            env = {
                **os.environ,
                "INSIGHTBUS_BUS": "kafka",
                "INSIGHTBUS_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                "INSIGHTBUS_KAFKA_SESSION_TIMEOUT_MS": "2000",
                "INSIGHTBUS_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
                "INSIGHTBUS_STORE": "mongo",
                "INSIGHTBUS_MONGO_URL": mongo,
                "INSIGHTBUS_JWT_SECRET": "a-shared-secret-of-at-least-32-characters",
                "INSIGHTBUS_PORT": str(ports[name]),
                "INSIGHTBUS_DATA_DIR": str(logs / name),
                "INSIGHTBUS_ANALYSIS_WORKERS": "1",
                "INSIGHTBUS_CLASSIFIER_WORKERS": "1",
                **graph_env(graph_server),
            }
            running[name] = processes.start(
                [sys.executable, "-m", f"insightbus.{name}.main"],
                log=logs / f"{name}.log",
                env=env,
            )
            stack.callback(processes.stop, running[name])
        for name in SERVICES:
            _wait_healthy(name, ports[name], running[name], logs / f"{name}.log")
        yield ports


def _wait_healthy(name: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not become healthy:\n{log.read_text(errors='replace')}")


async def test_services_in_separate_processes_share_nothing_but_the_bus(
    distributed: dict[str, int],
) -> None:
    gateway = f"http://127.0.0.1:{distributed['gateway']}"
    notifier = f"ws://127.0.0.1:{distributed['notifier']}"
    client, token, _ = await signed_up_client(gateway)
    async with aclosing(client):
        session_id = await create_session(client)
        await upload(client, session_id, "session.json", json.dumps(TRANSCRIPT).encode())
        # The notifier learns of the session and its analysis only from Kafka.
        messages = await watch_until_complete(notifier, session_id, token, timeout=90)
        assert messages[-1]["type"] == "analysis_complete"
        streamed = {m["data"]["id"] for m in messages if m["type"] == "new_emotion"}
        # The gateway answers from its own read model, fed by the same events.
        async with asyncio.timeout(30):
            while True:
                status = (await client.get(f"/api/v1/sessions/{session_id}/analysis/status")).json()
                if status["data"]["status"] == "completed":
                    break
                await asyncio.sleep(0.2)
        emotions = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
        assert {e["id"] for e in emotions["items"]} == streamed and streamed
        # The analysis projected them into the graph; the gateway's journey reads it there.
        async with asyncio.timeout(30):
            while True:
                journey = (await client.get("/api/v1/users/me/journey")).json()["data"]
                if journey["sessions"] and journey["sessions"][0]["emotions"]:
                    break
                await asyncio.sleep(0.2)
        assert {e["id"] for e in journey["sessions"][0]["emotions"]} == streamed


async def test_a_ticket_job_crosses_the_bus_both_ways(distributed: dict[str, int]) -> None:
    client, _, _ = await signed_up_client(f"http://127.0.0.1:{distributed['gateway']}")
    async with aclosing(client):
        session_id = await generated_ticket_job(client, 30)
        # The classifier gets the tickets from Kafka, and the gateway its results.
        job = await ticket_job_when_ended(client, session_id, timeout=90)
        assert job["status"] == "completed", job
        assert job["results"]["total_tickets"] == 30
        assert len(job["tickets"]) + len(job["unclassified"]) == 30
