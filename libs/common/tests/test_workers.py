"""The worker pool: jobs in other processes, a failed initializer, a dead worker, stop, and
workers that never outlive their parent.

The jobs are standard-library functions: a worker process imports them by name.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from insightbus.common.workers import WorkerPool, WorkerUnavailable


@pytest.fixture
async def pools() -> AsyncIterator[Callable[..., WorkerPool]]:
    started: list[WorkerPool] = []

    def make(*args: object, **kwargs: object) -> WorkerPool:
        pool = WorkerPool(*args, **kwargs)  # type: ignore[arg-type]
        started.append(pool)
        return pool

    yield make
    for pool in started:
        await pool.stop()


async def test_without_workers_the_initializer_runs_once_and_jobs_on_a_thread(
    pools: Callable[..., WorkerPool],
) -> None:
    calls: list[str] = []
    pool = pools(0, calls.append, ("loaded",))
    await pool.start()
    threads = await asyncio.gather(*(pool.run(threading.get_ident) for _ in range(3)))
    assert calls == ["loaded"]
    assert threading.get_ident() not in threads
    assert await pool.run(os.getpid) == os.getpid()
    assert pool.ready and pool.in_flight == 1


async def test_start_returns_at_once_and_a_first_job_waits_for_the_warm_up(
    pools: Callable[..., WorkerPool],
) -> None:
    pool = pools(2)
    began = time.perf_counter()
    await pool.start()
    assert time.perf_counter() - began < 0.5  # spawning two interpreters takes longer
    assert not pool.ready
    pid = await pool.run(os.getpid)  # queued until a worker is up
    await pool.warmed()
    assert pool.ready and pool.error is None
    assert len(pool.pids) == 2 and os.getpid() not in pool.pids and pid in pool.pids
    assert pool.in_flight == 3


@pytest.mark.parametrize("workers", [0, 1])
async def test_a_failed_initializer_fails_every_job_with_its_reason(
    pools: Callable[..., WorkerPool], workers: int
) -> None:
    pool = pools(workers, int, ("not a number",))
    await pool.start()
    for _ in range(2):
        with pytest.raises(WorkerUnavailable, match="invalid literal for int"):
            await pool.run(os.getpid)
    await pool.warmed()
    assert not pool.ready and "not a number" in (pool.error or "")


async def test_a_dead_worker_fails_its_job_and_later_jobs_get_a_fresh_pool(
    pools: Callable[..., WorkerPool],
) -> None:
    pool = pools(1)
    await pool.start()
    await pool.warmed()
    (first,) = pool.pids
    with pytest.raises(BrokenProcessPool):
        await pool.run(os._exit, 1)
    second = await pool.run(os.getpid)
    assert second != first
    await pool.warmed()
    assert pool.ready and pool.pids == {second}


async def test_stop_cancels_queued_jobs_and_ends_the_workers(
    pools: Callable[..., WorkerPool],
) -> None:
    pool = pools(1)
    await pool.start()
    await pool.warmed()
    (pid,) = pool.pids
    jobs = [asyncio.ensure_future(pool.run(time.sleep, 0.5)) for _ in range(5)]
    await asyncio.sleep(0)  # handed to the pool
    began = time.perf_counter()
    await pool.stop()
    assert time.perf_counter() - began < 2.0  # not the five jobs' 2.5 s
    results = await asyncio.gather(*jobs, return_exceptions=True)
    assert any(isinstance(r, asyncio.CancelledError) for r in results)
    assert not _alive(pid)


CHILD = textwrap.dedent(
    """
    import asyncio
    from multiprocessing import resource_tracker

    from insightbus.common.workers import WorkerPool


    async def main():
        pool = WorkerPool(2)
        await pool.start()
        await pool.warmed()
        tracker = resource_tracker._resource_tracker._pid
        print(*sorted(pool.pids), tracker, flush=True)
        await asyncio.Event().wait()


    asyncio.run(main())
    """
)


def test_workers_and_the_resource_tracker_end_when_their_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent,
    )
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()  # once both workers are warm
        pids = [int(p) for p in line.split()]
        assert len(pids) == 3, line
        assert all(_alive(pid) for pid in pids)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 10
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive, f"still running after their parent was killed: {alive}"


def _alive(pid: int) -> bool:
    """A process exists and is not a zombie waiting to be reaped."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
