"""Services of the distributed mode as separate OS processes, for the e2e and fault tests."""

from __future__ import annotations

import os
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from insightbus.common.testing import processes, servers
from tests.conftest import CLI

SECRET = "a-shared-secret-of-at-least-32-characters"


def service_env(
    name: str, port: int, data: Path, bootstrap: str, mongo: str, graph: str | None = None
) -> dict[str, str]:
    """One service over Kafka (tansu) and its own MongoDB database (SecantusDB); the graph
    at the Bolt URL ``graph`` (a FalkorDB), or off."""
    env = {
        **os.environ,
        "INSIGHTBUS_BUS": "kafka",
        "INSIGHTBUS_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        **servers.kafka_env(),
        "INSIGHTBUS_STORE": "mongo",
        "INSIGHTBUS_MONGO_URL": mongo,
        "INSIGHTBUS_JWT_SECRET": SECRET,
        "INSIGHTBUS_PORT": str(port),
        "INSIGHTBUS_DATA_DIR": str(data / name),
        "INSIGHTBUS_ANALYSIS_WORKERS": "1",
        "INSIGHTBUS_CLASSIFIER_WORKERS": "1",
        # A service alone refuses to start on the graph without a URL.
        "INSIGHTBUS_GRAPH": "off",
    }
    if graph is not None:
        del env["INSIGHTBUS_GRAPH"]
        env |= {"INSIGHTBUS_GRAPH_URL": graph, "INSIGHTBUS_GRAPH_DATABASE": "faults"}
    return env


def start_service(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return processes.start([str(CLI), "serve", name], log=log, env=env)


def wait_until(
    port: int, process: subprocess.Popen[bytes], log: Path, path: str = "/health", ok: bool = True
) -> None:
    """Until ``path`` answers 200 (or, with ``ok=False``, anything else)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            status = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=2).status_code
        except httpx.HTTPError:
            status = None
        if (status == 200) == ok and status is not None:
            return
        time.sleep(0.2)
    raise RuntimeError(
        f"{path} never {'ready' if ok else 'unready'}:\n{log.read_text(errors='replace')}"
    )


def start_replicas(
    stack: ExitStack,
    name: str,
    ports: list[int],
    data: Path,
    bootstrap: str,
    mongo: str,
    extra_env: dict[str, str] | None = None,
) -> list[subprocess.Popen[bytes]]:
    """One replica of ``name`` per port, sharing the bus and the store; stopped with
    ``stack``; returned once every one is ready."""
    replicas = []
    for i, port in enumerate(ports):
        env = service_env(name, port, data / f"{name}-{i}", bootstrap, mongo) | (extra_env or {})
        replicas.append(start_service(name, env, data / f"{name}-{i}.log"))
        stack.callback(processes.stop, replicas[-1])
    for i, (replica, port) in enumerate(zip(replicas, ports, strict=True)):
        wait_until(port, replica, data / f"{name}-{i}.log", "/readyz")
    return replicas
