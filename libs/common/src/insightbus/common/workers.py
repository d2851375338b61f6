"""A pool of worker processes for CPU-bound steps (model inference, scoring).

Pure Python and NumPy work holds the GIL: on a thread it would take turns with the event
loop that serves HTTP, WebSockets and the bus. ``WorkerPool(workers, initializer,
initargs)`` runs it on other cores, each worker running ``initializer(*initargs)`` once
(loading a model, say) before its first job.

- ``start()`` returns at once: the workers are spawned and warm up in the background
  (importing scikit-learn and loading a model take seconds); a job that comes first waits
  in the pool's queue. ``warmed()`` waits for every worker, ``ready`` says whether they are.
- An initializer that fails does not break the pool into a retry loop: every job then
  fails with ``WorkerUnavailable`` and the initializer's reason (``error``).
- A worker that dies (killed for memory, say) fails the jobs in hand with
  ``BrokenProcessPool``; later jobs get a fresh pool.
- ``workers=0`` runs the initializer once and the jobs on a thread of this process
  (tests, tiny machines).
- A worker never outlives this process, whatever the signal that ends it: on Linux the
  kernel kills it when its parent dies (``PR_SET_PDEATHSIG``), and everywhere a watcher
  thread in the worker exits it once its parent is gone. With no worker left, the
  multiprocessing resource tracker sees the end of its pipe and exits too.

Workers are started with ``spawn``, not ``fork``: forking a process that runs an event loop
and threads can copy held locks into the child.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from insightbus.common.lifetime import die_with_parent, watch_parent

log = logging.getLogger(__name__)

T = TypeVar("T")

WATCH_INTERVAL_S = 0.2  # how often a worker's watcher looks for its parent
_WARM_UP_RETRY_S = 0.05


class WorkerUnavailable(Exception):
    """The workers' initializer failed: no job can run. The message is its reason."""


# In a worker process (or, with workers=0, in this one for the pool's lifetime): why its
# initializer failed, if it did.
_failure: str | None = None


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    """A worker's first step: tie its life to its parent's, then the service's initializer.
    A failing initializer is remembered, not raised (raising would break the pool)."""
    global _failure
    die_with_parent(parent)
    watch_parent(parent, WATCH_INTERVAL_S)
    _failure = _initialize(initializer, initargs)


def _initialize(initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> str | None:
    if initializer is None:
        return None
    try:
        initializer(*initargs)
    except Exception as exc:
        return str(exc) or type(exc).__name__
    return None


def _call(fn: Callable[..., T], *args: Any) -> T:
    if _failure is not None:
        raise WorkerUnavailable(_failure)
    return fn(*args)


def _ping() -> tuple[int, str | None]:
    return os.getpid(), _failure


class WorkerPool:
    def __init__(
        self,
        workers: int,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        *,
        name: str = "workers",
    ) -> None:
        if workers < 0:
            raise ValueError("workers must be >= 0")
        self.workers = workers
        self.name = name
        self._initializer = initializer
        self._initargs = initargs
        self._executor: ProcessPoolExecutor | None = None
        self._warming: asyncio.Task[None] | None = None
        self._started = False
        #: Why the initializer failed, once the warm-up knows; every job then fails with it.
        self.error: str | None = None
        #: The worker processes' ids, once warm (empty with workers=0).
        self.pids: frozenset[int] = frozenset()

    @property
    def in_flight(self) -> int:
        """How many jobs to hand over at once to keep every worker busy: one per worker,
        plus one queued, so that no worker waits while the caller records a result."""
        return self.workers + 1 if self.workers > 0 else 1

    @property
    def ready(self) -> bool:
        """Every worker has run its initializer, successfully."""
        return (
            self._warming is not None
            and self._warming.done()
            and not self._warming.cancelled()
            and self._warming.exception() is None
            and self.error is None
        )

    def not_ready(self) -> str | None:
        """None when every worker is warm; else why not (for /readyz)."""
        if self.error is not None:
            return f"unavailable: {self.error}"
        if not self.ready:
            return "warming up" if self._started else "not started"
        return None

    async def start(self) -> None:
        """Spawn the workers and warm them up in the background; returns at once."""
        if self._started:
            return
        self._started = True
        if self.workers > 0:
            self._executor = self._new_executor()
            self._warming = asyncio.create_task(self._warm_up(self._executor))
        else:
            self._warming = asyncio.create_task(self._warm_up_here())
        self._warming.add_done_callback(self._log_failure)

    async def warmed(self) -> None:
        """Wait until every worker has run its initializer (``error`` then says whether it
        failed). Raises RuntimeError before ``start``."""
        if self._warming is None:
            raise RuntimeError(f"{self.name}: pool not started")
        await asyncio.shield(self._warming)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker (``fn`` and the arguments must pickle: a module-level
        function). Raises WorkerUnavailable when the initializer failed, BrokenProcessPool
        when a worker died during the job."""
        if not self._started:
            raise RuntimeError(f"{self.name}: pool not started")
        if self.error is not None:
            raise WorkerUnavailable(self.error)
        executor = self._executor
        if executor is None:  # workers=0: the initializer's state lives in this process
            assert self._warming is not None
            await asyncio.shield(self._warming)
            if self.error is not None:
                raise WorkerUnavailable(self.error)
            return await asyncio.to_thread(fn, *args)
        loop = asyncio.get_running_loop()
        try:
            result: T = await loop.run_in_executor(executor, functools.partial(_call, fn, *args))
        except BrokenProcessPool:
            self._replace(executor)
            raise
        return result

    async def stop(self) -> None:
        """Cancel queued jobs and the warm-up, and shut the workers down."""
        self._started = False
        if self._warming is not None:
            self._warming.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._warming
            self._warming = None
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
        self.pids = frozenset()

    # Internals

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(), self._initializer, self._initargs),
        )

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._executor is not broken:
            return  # another job replaced it already
        log.warning("%s: a worker died; starting a fresh pool", self.name)
        broken.shutdown(wait=False, cancel_futures=True)
        self._executor = self._new_executor()
        if self._warming is not None:
            self._warming.cancel()
        self._warming = asyncio.create_task(self._warm_up(self._executor))
        self._warming.add_done_callback(self._log_failure)

    async def _warm_up(self, executor: ProcessPoolExecutor) -> None:
        """Ping the workers until each has answered: a worker answers only once its
        initializer has run. (A fast worker may take several pings of a round while a slow
        one still loads; then another round goes.)"""
        loop = asyncio.get_running_loop()
        answered: dict[int, str | None] = {}
        while len(answered) < self.workers:
            pings = [loop.run_in_executor(executor, _ping) for _ in range(self.workers)]
            answered.update(await asyncio.gather(*pings))
            if len(answered) < self.workers:
                await asyncio.sleep(_WARM_UP_RETRY_S)
        if executor is self._executor:
            self.pids = frozenset(answered)
            self.error = next((reason for reason in answered.values() if reason), None)

    async def _warm_up_here(self) -> None:
        self.error = await asyncio.to_thread(_initialize, self._initializer, self._initargs)

    def _log_failure(self, warming: asyncio.Task[None]) -> None:
        if warming.cancelled():
            return
        if (exc := warming.exception()) is not None:
            log.error("%s: the workers could not start: %s", self.name, exc)
        elif self.error is not None:
            log.error(
                "%s: the workers' initializer failed; jobs will fail: %s", self.name, self.error
            )
