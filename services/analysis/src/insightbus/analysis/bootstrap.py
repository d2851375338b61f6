"""The analysis's composition root: settings -> worker pool -> use case -> bus consumers."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.analysis.adapters.pool import PooledSteps, analysis_pool
from insightbus.analysis.app.analysis import ContentAnalysis
from insightbus.analysis.domain.emotions import model_name
from insightbus.analysis.entrypoints.bus import TOPOLOGY
from insightbus.common.bus import MessageBus
from insightbus.common.idempotency import Inbox
from insightbus.common.pooled_service import PooledService
from insightbus.common.runtime import service_app
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.workers import WorkerPool


class AnalysisService(PooledService[ContentAnalysis]):
    """Consumes uploaded content, publishes what it finds."""

    name = "analysis"

    def __init__(
        self,
        store: DocumentStore,
        bus: MessageBus,
        pool: WorkerPool,
        emotion_model: str,
        *,
        inbox_retention_s: float,
    ) -> None:
        self._store = store
        self._bus = bus
        self._emotion_model = emotion_model
        self._inbox_retention_s = inbox_retention_s
        super().__init__(bus, pool, TOPOLOGY)

    async def build(self) -> ContentAnalysis:
        inbox = await Inbox.create(self._store, retention_s=self._inbox_retention_s)
        return ContentAnalysis(self._bus, inbox, PooledSteps(self.pool, self._emotion_model))


def build_analysis(settings: Settings, store: DocumentStore, bus: MessageBus) -> AnalysisService:
    path, prefer = settings.analysis_model_path, settings.analysis_emotion_model
    pool = analysis_pool(settings.analysis_workers, path, prefer)
    return AnalysisService(
        store, bus, pool, model_name(path, prefer), inbox_retention_s=settings.inbox_retention_s
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The analysis alone in its process (the distributed mode): it still serves /health and
    /metrics, for probes and scraping."""
    settings = settings or Settings()
    return service_app(
        settings, "analysis", lambda store, bus: build_analysis(settings, store, bus)
    )
