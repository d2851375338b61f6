"""No process of a stack outlives it: ``kill -9`` of ``insightbus up`` takes its model
workers (they would otherwise hold gigabytes, run after run) and its graph server with it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx

from insightbus.common.testing.processes import alive, children
from tests.conftest import StackFactory

DEADLINE_S = 15.0


def _wait(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_kill_9_of_the_stack_leaves_no_worker_behind(stack_factory: StackFactory) -> None:
    stack = stack_factory(
        env={"INSIGHTBUS_ANALYSIS_WORKERS": "2", "INSIGHTBUS_CLASSIFIER_WORKERS": "2"}
    )
    pid = stack.process.pid
    # It served only once its workers were warm.
    assert httpx.get(f"{stack.base_url}/readyz", timeout=5).status_code == 200
    # Two analysis and two classifier workers (and the pool's resource tracker), and the
    # graph's FalkorDB.
    _wait(lambda: len(children(pid)) >= 5, "the model workers to start")
    workers = children(pid)
    assert any("redis-server" in _command(w) for w in workers), "no graph server among them"

    os.kill(pid, signal.SIGKILL)  # the stack alone, not its process group
    stack.process.wait(10)

    _wait(lambda: not any(alive(w) for w in workers), f"workers {workers} to exit")


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
