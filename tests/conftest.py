"""Fixtures for end-to-end tests: the real ``insightbus`` command on a free loopback port.

Each stack runs in a process group of its own and dies with the test run (see
``insightbus.common.testing.processes``): a killed run leaves no stack or worker behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import pytest

from insightbus.common.graph.bolt import BoltConfig
from insightbus.common.testing import processes
from insightbus.common.testing.factories import free_port

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "insightbus"

STACK_ENV = {"INSIGHTBUS_RATE_LIMIT_PER_MINUTE": "10000"}
# The tests' stacks run the models on a thread: one load instead of four worker processes'
# (the pool has tests of its own, and test_process_lifetime runs a stack with its workers).
# The benchmarks start the default configuration.
TEST_ENV = {"INSIGHTBUS_ANALYSIS_WORKERS": "0", "INSIGHTBUS_CLASSIFIER_WORKERS": "0"}

__all__ = [
    "CLI",
    "ROOT",
    "RunningStack",
    "StackFactory",
    "free_port",
    "graph_env",
    "start_stack",
]


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    base_url: str
    ws_url: str
    log_path: Path

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20) -> int:
        """Send ``sig`` and wait for the exit code; then nothing of the stack is left."""
        return processes.stop(self.process, sig, timeout)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_stack(
    data_dir: Path, env: dict[str, str] | None = None, port: int | None = None
) -> RunningStack:
    port = port or free_port()
    log_path = data_dir.parent / f"stack-{port}.log"
    process = processes.start(
        [str(CLI), "up", "--port", str(port), "--data-dir", str(data_dir)],
        log=log_path,
        env={**os.environ, **STACK_ENV, **(env or {})},
    )
    stack = RunningStack(process, f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stack.stop(signal.SIGKILL)
            raise RuntimeError(f"insightbus up exited with {process.returncode}:\n{stack.logs()}")
        try:
            if httpx.get(f"{stack.base_url}/health", timeout=1).status_code == 200:
                return stack
        except httpx.HTTPError:
            pass
        time.sleep(0.1)  # polling for the server to come up, not waiting for an absence
    stack.stop(signal.SIGKILL)
    raise RuntimeError(f"insightbus up did not become healthy:\n{stack.logs()}")


def graph_env(server: BoltConfig) -> dict[str, str]:
    """The variables that point a process at ``server`` (the ``graph_server`` fixture's)."""
    env = {"INSIGHTBUS_GRAPH_URL": server.url}
    for name, value in (
        ("USER", server.user),
        ("PASSWORD", server.password),
        ("DATABASE", server.database),
    ):
        if value:
            env[f"INSIGHTBUS_GRAPH_{name}"] = value
    return env


class StackFactory(Protocol):
    def __call__(
        self,
        data_dir: Path | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> RunningStack: ...


@pytest.fixture
def stack_factory(tmp_path: Path) -> Iterator[StackFactory]:
    """Stacks of the test's own (restarts, settings of their own); stopped afterwards."""
    started: list[RunningStack] = []

    def factory(
        data_dir: Path | None = None, env: dict[str, str] | None = None, port: int | None = None
    ) -> RunningStack:
        stack = start_stack(data_dir or tmp_path / "data", {**TEST_ENV, **(env or {})}, port)
        started.append(stack)
        return stack

    yield factory
    for stack in started:
        stack.stop(signal.SIGKILL)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """One stack for every test that does not need one of its own: each test signs up users
    of its own, so they share nothing but the process (starting one costs seconds)."""
    running = start_stack(
        tmp_path_factory.mktemp("stack") / "data",
        {**TEST_ENV, "INSIGHTBUS_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]'},
    )
    yield running
    running.stop(signal.SIGKILL)
