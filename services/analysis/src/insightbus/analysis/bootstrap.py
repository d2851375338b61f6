"""The analysis's composition root: settings -> worker pool -> use case -> bus consumers."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.analysis.adapters.pool import PooledSteps, analysis_pool
from insightbus.analysis.app.analysis import ContentAnalysis
from insightbus.analysis.entrypoints.bus import TOPOLOGY
from insightbus.common import topology
from insightbus.common.bus import MessageBus
from insightbus.common.idempotency import Inbox
from insightbus.common.runtime import service_app
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.workers import WorkerPool


class AnalysisService:
    """Consumes uploaded content, publishes what it finds."""

    name = "analysis"

    def __init__(self, store: DocumentStore, bus: MessageBus, pool: WorkerPool) -> None:
        self._store = store
        self._bus = bus
        self.pool = pool
        self._app: ContentAnalysis | None = None
        topology.subscribe(bus, TOPOLOGY, self.app)

    def app(self) -> ContentAnalysis:
        if self._app is None:
            raise RuntimeError("analysis service not started")  # the bus retries
        return self._app

    async def warmed(self) -> None:
        """Once every worker has loaded the model (or failed to)."""
        await self.pool.warmed()

    def not_ready(self) -> str | None:
        return self.pool.not_ready()

    def configure(self, app: FastAPI) -> None:
        """No routes: the analysis service talks only through the bus."""

    async def start(self) -> None:
        inbox = await Inbox.create(self._store)
        await self.pool.start()  # the workers load the model in the background
        self._app = ContentAnalysis(self._bus, inbox, PooledSteps(self.pool))

    async def stop(self) -> None:
        self._app = None
        await self.pool.stop()


def build_analysis(settings: Settings, store: DocumentStore, bus: MessageBus) -> AnalysisService:
    pool = analysis_pool(settings.analysis_workers, settings.analysis_model_path)
    return AnalysisService(store, bus, pool)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The analysis alone in its process (the distributed mode): it still serves /health and
    /metrics, for probes and scraping."""
    settings = settings or Settings()
    return service_app(
        settings, "analysis", lambda store, bus: build_analysis(settings, store, bus)
    )
