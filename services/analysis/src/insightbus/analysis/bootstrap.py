"""The analysis's composition root: settings -> worker pool, graph -> use case, projector ->
bus consumers."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.analysis.adapters.pool import PooledSteps, analysis_pool
from insightbus.analysis.app.analysis import ContentAnalysis
from insightbus.analysis.app.application import Analysis
from insightbus.analysis.app.graph_projector import GraphProjector
from insightbus.analysis.domain.emotions import model_name
from insightbus.analysis.entrypoints.bus import GRAPH_GROUP, TOPOLOGY
from insightbus.common.bus import MessageBus
from insightbus.common.graph import Graph
from insightbus.common.idempotency import Inbox
from insightbus.common.pooled_service import PooledService
from insightbus.common.runtime import make_graph, service_app
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.workers import WorkerPool


class AnalysisService(PooledService[Analysis]):
    """Consumes uploaded content, publishes what it finds, and projects it into the graph."""

    name = "analysis"

    def __init__(
        self,
        store: DocumentStore,
        bus: MessageBus,
        pool: WorkerPool,
        emotion_model: str,
        graph: Graph | None,
        *,
        inbox_retention_s: float,
    ) -> None:
        self._store = store
        self._bus = bus
        self._emotion_model = emotion_model
        self._graph = graph
        self._inbox_retention_s = inbox_retention_s
        super().__init__(bus, pool, TOPOLOGY if graph else TOPOLOGY.without(GRAPH_GROUP))

    async def build(self) -> Analysis:
        inbox = await Inbox.create(self._store, retention_s=self._inbox_retention_s)
        content = ContentAnalysis(self._bus, inbox, PooledSteps(self.pool, self._emotion_model))
        return Analysis(content, GraphProjector(self._graph) if self._graph else None)


def build_analysis(
    settings: Settings, store: DocumentStore, bus: MessageBus, graph: Graph | None = None
) -> AnalysisService:
    """``graph``: where findings are projected (started by the process); None: nowhere."""
    path, prefer = settings.analysis_model_path, settings.analysis_emotion_model
    pool = analysis_pool(settings.analysis_workers, path, prefer)
    return AnalysisService(
        store,
        bus,
        pool,
        model_name(path, prefer),
        graph,
        inbox_retention_s=settings.inbox_retention_s,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The analysis alone in its process (the distributed mode): it still serves /health and
    /metrics, for probes and scraping."""
    settings = settings or Settings()
    graph = make_graph(settings, embedded=False)
    return service_app(
        settings,
        "analysis",
        lambda store, bus: build_analysis(settings, store, bus, graph),
        graph=graph,
    )
