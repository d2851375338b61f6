"""The shape of a service that talks only through the bus and does its work in model
workers (the analysis, the classifier): its application object exists from ``start`` to
``stop``, and it is warm once its pool is. A subclass builds the application object."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi import FastAPI

from insightbus.common.bus import MessageBus
from insightbus.common.topology import ServiceTopology, subscribe
from insightbus.common.workers import WorkerPool

A = TypeVar("A")


class PooledService(Generic[A]):
    """Satisfies ``runtime.Service`` and ``runtime.Warming``; subclasses set ``name`` and
    implement ``build`` (their use case, on the started pool)."""

    name: str

    def __init__(self, bus: MessageBus, pool: WorkerPool, topology: ServiceTopology[Any]) -> None:
        self.pool = pool
        self._app: A | None = None
        subscribe(bus, topology, self.app)

    def app(self) -> A:
        if self._app is None:
            raise RuntimeError(f"{self.name} not started")  # the bus retries
        return self._app

    async def build(self) -> A:
        raise NotImplementedError

    def configure(self, app: FastAPI) -> None:
        """No routes: the service talks only through the bus (and serves /readyz, /metrics)."""

    async def start(self) -> None:
        await self.pool.start()  # the workers load their models in the background
        self._app = await self.build()

    async def stop(self) -> None:
        self._app = None
        await self.pool.stop()

    async def warmed(self) -> None:
        """Once every worker has loaded its models (or failed to)."""
        await self.pool.warmed()

    def not_ready(self) -> str | None:
        return self.pool.not_ready()
