"""The distributed mode on one machine: gateway, analysis, classifier and notifier as separate
processes (``insightbus serve <service>``, as the containers run them), talking only through
Kafka, each with its own MongoDB database: tansu and SecantusDB on loopback, or the servers
named by ``INSIGHTBUS_TEST_*`` (``make test-containers``: real Kafka and MongoDB); the
analysis and the gateway share a graph server (the test session's FalkorDB, or Neo4j)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, aclosing
from pathlib import Path

import httpx
import pytest

from insightbus.common.graph.bolt import BoltConfig
from insightbus.common.testing import processes, servers
from tests.conftest import CLI, free_port, graph_env
from tests.e2e.flow import (
    TRANSCRIPT,
    create_session,
    generated_ticket_job,
    signed_up_client,
    ticket_job_when_ended,
    upload,
    watch_until_complete,
)
from tests.e2e.test_graphql import SESSION_EVENTS, events_until_ended, gql_socket, subscribe

SERVICES = ("gateway", "analysis", "classifier", "notifier")


@pytest.fixture(scope="module")
def distributed(
    tmp_path_factory: pytest.TempPathFactory, graph_server: BoltConfig
) -> Iterator[dict[str, int]]:
    logs = tmp_path_factory.mktemp("distributed")
    with ExitStack() as stack:
        bootstrap = stack.enter_context(servers.kafka_server())
        mongo = stack.enter_context(servers.mongo_server())
        # Its own databases: an external server may hold other runs' data.
        database = f"e2e_{uuid.uuid4().hex[:8]}"
        ports = {name: free_port() for name in SERVICES}
        running: dict[str, subprocess.Popen[bytes]] = {}
        for name in SERVICES:
            env = {
                **os.environ,
                "INSIGHTBUS_BUS": "kafka",
                "INSIGHTBUS_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                **servers.kafka_env(),
                "INSIGHTBUS_STORE": "mongo",
                "INSIGHTBUS_MONGO_URL": mongo,
                "INSIGHTBUS_MONGO_DATABASE": database,
                "INSIGHTBUS_JWT_SECRET": "a-shared-secret-of-at-least-32-characters",
                "INSIGHTBUS_PORT": str(ports[name]),
                "INSIGHTBUS_DATA_DIR": str(logs / name),
                "INSIGHTBUS_ANALYSIS_WORKERS": "1",
                "INSIGHTBUS_CLASSIFIER_WORKERS": "1",
                **graph_env(graph_server),
                # The gateway's GraphQL subscriptions read the notifier's sockets.
                "INSIGHTBUS_NOTIFIER_INTERNAL_URL": f"ws://127.0.0.1:{ports['notifier']}",
            }
            running[name] = processes.start(
                [str(CLI), "serve", name],
                log=logs / f"{name}.log",
                env=env,
            )
            stack.callback(processes.stop, running[name])
        for name in SERVICES:
            _wait_ready(name, ports[name], running[name], logs / f"{name}.log")
        yield ports


def _wait_ready(name: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling for the server to come up, not waiting for an absence
    raise RuntimeError(f"{name} did not become ready:\n{log.read_text(errors='replace')}")


def test_each_service_serves_its_probes_and_metrics(distributed: dict[str, int]) -> None:
    # What the Kubernetes probes and the Prometheus scrape read, from each process.
    for name, port in distributed.items():
        base = f"http://127.0.0.1:{port}"
        live = httpx.get(f"{base}/livez", timeout=5)
        assert live.status_code == 200 and live.json()["data"]["status"] == "alive"
        ready = httpx.get(f"{base}/readyz", timeout=5)
        assert ready.status_code == 200, (name, ready.text)
        checks = ready.json()["data"]["checks"]
        expected = {"bus": "ok", f"store:{name}": "ok"}
        if name in ("analysis", "classifier"):
            expected[f"service:{name}"] = "ok"  # its model workers are warm
        if name in ("analysis", "gateway"):
            expected["graph"] = "ok"  # the projector writes it, the journey reads it
        assert checks == expected, name
        metrics = httpx.get(f"{base}/metrics", timeout=5)
        assert metrics.status_code == 200
        assert metrics.headers["content-type"].startswith("text/plain")
        assert "insightbus_http_requests_total" in metrics.text
        assert "insightbus_events_handled_total" in metrics.text


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


async def test_graphql_subscriptions_through_the_gateway_reach_the_notifier(
    distributed: dict[str, int],
) -> None:
    """The gateway has none of the notifier's state here: its subscription reads the
    notifier's socket (INSIGHTBUS_NOTIFIER_INTERNAL_URL), and the events come through."""
    gateway = f"http://127.0.0.1:{distributed['gateway']}"
    client, token, _ = await signed_up_client(gateway)
    async with aclosing(client):
        session_id = await create_session(client)
        async with gql_socket(
            f"ws://127.0.0.1:{distributed['gateway']}", {"Authorization": f"Bearer {token}"}
        ) as ws:
            await subscribe(ws, "1", SESSION_EVENTS, s=session_id)
            await upload(client, session_id, "session.json", json.dumps(TRANSCRIPT).encode())
            events = await events_until_ended(ws, "1")
    assert events[-1]["type"] == "analysis_complete", events
    assert "new_emotion" in {e["type"] for e in events}
