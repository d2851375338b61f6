"""Fixtures for end-to-end tests: the real ``insightbus`` command on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "insightbus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    base_url: str
    ws_url: str
    log_path: Path

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_stack(
    data_dir: Path, env: dict[str, str] | None = None, port: int | None = None
) -> RunningStack:
    port = port or free_port()
    log_path = data_dir.parent / f"stack-{port}.log"
    log_file = log_path.open("ab")
    process = subprocess.Popen(
        [str(CLI), "up", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env={**os.environ, "INSIGHTBUS_RATE_LIMIT_PER_MINUTE": "10000", **(env or {})},
    )
    stack = RunningStack(process, f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"insightbus up exited with {process.returncode}:\n{stack.logs()}")
        try:
            if httpx.get(f"{stack.base_url}/health", timeout=1).status_code == 200:
                return stack
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stack.stop(signal.SIGKILL)
    raise RuntimeError(f"insightbus up did not become healthy:\n{stack.logs()}")


class StackFactory(Protocol):
    def __call__(
        self,
        data_dir: Path | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> RunningStack: ...


@pytest.fixture
def stack_factory(tmp_path: Path) -> Iterator[StackFactory]:
    started: list[RunningStack] = []

    def factory(
        data_dir: Path | None = None, env: dict[str, str] | None = None, port: int | None = None
    ) -> RunningStack:
        stack = start_stack(data_dir or tmp_path / "data", env, port)
        started.append(stack)
        return stack

    yield factory
    for stack in started:
        if stack.process.poll() is None:
            stack.stop(signal.SIGKILL)
