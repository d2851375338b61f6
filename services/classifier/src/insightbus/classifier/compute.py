"""Where the classification runs.

Vectorizing text and the triage rules are CPU work that holds the GIL; on a thread they would
take turns with the event loop that serves the bus (and, in the embedded stack, HTTP and
WebSockets). ``workers`` processes take it to other cores; each loads the models once.
``workers=0`` runs it on a thread of this process instead (tests, tiny machines).

A model that cannot be loaded does not stop the service: ``start`` returns why, and every job
then fails with that reason (tickets.failed) instead of dying in a retry loop.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from insightbus.classifier.domain.classify import Classification, TicketClassifier
from insightbus.classifier.domain.triage import SlaPolicy
from insightbus.common.events.tickets import Ticket

log = logging.getLogger(__name__)


class ModelUnavailable(Exception):
    """The models could not be loaded: no job can be classified."""


@dataclass(frozen=True)
class ModelPaths:
    category: Path | None = None  # None: the model shipped with the package
    sentiment: Path | None = None


# In a worker process: its classifier, or why there is none.
_worker: TicketClassifier | None = None
_worker_error: str | None = None


def _load(paths: ModelPaths, sla: SlaPolicy) -> TicketClassifier:
    try:
        return TicketClassifier.load(paths.category, paths.sentiment, sla)
    except Exception as exc:
        raise ModelUnavailable(f"the classifier's models cannot be loaded: {exc}") from exc


def _init_worker(paths: ModelPaths, sla: SlaPolicy) -> None:
    global _worker, _worker_error
    try:
        _worker = _load(paths, sla)
    except ModelUnavailable as exc:
        _worker_error = str(exc)


def _worker_status() -> str | None:
    return _worker_error


def _classify_in_worker(tickets: Sequence[Ticket], received_at: datetime) -> Classification:
    if _worker is None:
        raise ModelUnavailable(_worker_error or "the classifier's models are not loaded")
    return _worker.classify(tickets, received_at)


class Compute:
    def __init__(self, workers: int, paths: ModelPaths, sla: SlaPolicy) -> None:
        self._workers = workers
        self._paths = paths
        self._sla = sla
        self._pool: ProcessPoolExecutor | None = None
        self._local: TicketClassifier | None = None  # workers=0
        self.error: str | None = None  # why the models are unavailable, if they are
        self._warming: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Load the models now, not on the first job."""
        if self._workers == 0:
            try:
                self._local = await asyncio.to_thread(_load, self._paths, self._sla)
            except ModelUnavailable as exc:
                self.error = str(exc)
        else:
            # The workers import scikit-learn and load the models in the background (several
            # seconds each): the process serves meanwhile, and a job that comes first waits.
            self._pool = self._new_pool()
            self._warming = asyncio.create_task(self._check_workers(self._pool))
            return
        if self.error:
            log.error("classifier models unavailable; jobs will fail: %s", self.error)

    async def _check_workers(self, pool: ProcessPoolExecutor) -> None:
        loop = asyncio.get_running_loop()
        statuses = await asyncio.gather(
            *(loop.run_in_executor(pool, _worker_status) for _ in range(self._workers))
        )
        self.error = next((s for s in statuses if s), None)
        if self.error:
            log.error("classifier models unavailable; jobs will fail: %s", self.error)

    async def stop(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
            self._warming = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._local = None

    @property
    def in_flight(self) -> int:
        """How many chunks to hand over at once: one per worker process, plus one queued so
        that no worker waits while the service records the last chunk's progress."""
        return self._workers + 1 if self._workers > 0 else 1

    async def classify(self, tickets: Sequence[Ticket], received_at: datetime) -> Classification:
        if self._warming is not None:
            await self._warming  # the models' status is known from here on
        if self.error:
            raise ModelUnavailable(self.error)
        if self._pool is None:
            if self._local is None:
                raise RuntimeError("compute not started")
            return await asyncio.to_thread(self._local.classify, tickets, received_at)
        loop = asyncio.get_running_loop()
        pool = self._pool
        try:
            return await loop.run_in_executor(
                pool, _classify_in_worker, tuple(tickets), received_at
            )
        except BrokenProcessPool:
            # A worker died (e.g. killed for memory): later jobs get a fresh pool.
            if self._pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
            raise

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: forking a process that runs an event loop and threads can copy
        # held locks into the child.
        return ProcessPoolExecutor(
            self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self._paths, self._sla),
        )
