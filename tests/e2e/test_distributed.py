"""The distributed mode on one machine: gateway, analysis, classifier and notifier as separate
processes, talking only through Kafka (tansu), each with its own MongoDB database (SecantusDB)."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, aclosing

import pytest

from insightbus.common.testing import processes
from insightbus.common.testing.secantus import run_secantus
from insightbus.common.testing.tansu import run_tansu
from tests.conftest import free_port
from tests.e2e.flow import (
    TRANSCRIPT,
    create_session,
    generated_ticket_job,
    signed_up_client,
    ticket_job_when_ended,
    upload,
    watch_until_complete,
)
from tests.e2e.services import service_env, start_service, wait_until

SERVICES = ("gateway", "analysis", "classifier", "notifier")


@pytest.fixture(scope="module")
def distributed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    logs = tmp_path_factory.mktemp("distributed")
    with ExitStack() as stack:
        bootstrap = stack.enter_context(run_tansu())
        mongo = stack.enter_context(run_secantus())
        ports = {name: free_port() for name in SERVICES}
        running: dict[str, subprocess.Popen[bytes]] = {}
        for name in SERVICES:
            env = service_env(name, ports[name], logs, bootstrap, mongo)
            running[name] = start_service(name, env, logs / f"{name}.log")
            stack.callback(processes.stop, running[name])
        for name in SERVICES:
            wait_until(ports[name], running[name], logs / f"{name}.log")
        yield ports


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


async def test_a_ticket_job_crosses_the_bus_both_ways(distributed: dict[str, int]) -> None:
    client, _, _ = await signed_up_client(f"http://127.0.0.1:{distributed['gateway']}")
    async with aclosing(client):
        session_id = await generated_ticket_job(client, 30)
        # The classifier gets the tickets from Kafka, and the gateway its results.
        job = await ticket_job_when_ended(client, session_id, timeout=90)
        assert job["status"] == "completed", job
        assert job["results"]["total_tickets"] == 30
        assert len(job["tickets"]) + len(job["unclassified"]) == 30
