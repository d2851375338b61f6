"""No process of a stack outlives it: ``kill -9`` of ``insightbus up`` takes its model
workers (they would otherwise hold gigabytes, run after run) and its graph server with it."""

from __future__ import annotations

import os
import signal
import time
from contextlib import aclosing
from pathlib import Path

import httpx

from insightbus.common.graph.bolt import BoltConfig, BoltGraph
from insightbus.common.testing.factories import eventually
from insightbus.common.testing.falkordb import run_falkordb
from insightbus.common.testing.processes import alive, children
from tests.conftest import StackFactory
from tests.e2e.flow import create_session, signed_up_client

DEADLINE_S = 15.0


def _wait(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


async def test_kill_9_of_the_stack_leaves_no_worker_behind_and_the_graph_saved(
    stack_factory: StackFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    stack = stack_factory(
        data_dir, env={"INSIGHTBUS_ANALYSIS_WORKERS": "2", "INSIGHTBUS_CLASSIFIER_WORKERS": "2"}
    )
    pid = stack.process.pid
    client, _, user_id = await signed_up_client(stack.base_url)
    async with aclosing(client):
        await create_session(client, "Saved")
        await eventually(lambda: _journey_has_a_session(client))
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

    # The graph's server got SIGTERM, not SIGKILL: it saved on the way out, at once (well
    # before its snapshot a few seconds after a change).
    with run_falkordb(directory=data_dir / "graph") as url:
        graph = BoltGraph(BoltConfig(url, database="insightbus"))
        await graph.start()
        try:
            journey = await graph.journey(user_id, sessions=5)
        finally:
            await graph.close()
    assert [s.title for s in journey.sessions] == ["Saved"]


async def _journey_has_a_session(client: httpx.AsyncClient) -> bool:
    return bool((await client.get("/api/v1/users/me/journey")).json()["data"]["sessions"])


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
