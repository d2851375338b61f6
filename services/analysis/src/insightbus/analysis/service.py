"""The analysis service: consumes uploaded content, publishes what it finds."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.analysis.compute import Compute
from insightbus.analysis.handlers import ContentAnalysis
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, topics
from insightbus.common.idempotency import Inbox
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore

GROUP = "analysis"


class AnalysisService:
    name = "analysis"

    def __init__(self, store: DocumentStore, bus: MessageBus, compute: Compute) -> None:
        self._store = store
        self._bus = bus
        self._compute = compute
        self._handler: ContentAnalysis | None = None
        bus.subscribe(GROUP, [topics.SESSIONS], self._handle)

    def configure(self, app: FastAPI) -> None:
        """No routes: the analysis service talks only through the bus."""

    async def start(self) -> None:
        inbox = await Inbox.create(self._store)
        await self._compute.start()  # loads the model now, not on the first upload
        self._handler = ContentAnalysis(self._bus, inbox, self._compute)

    async def stop(self) -> None:
        self._handler = None
        await self._compute.stop()

    async def _handle(self, envelope: Envelope) -> None:
        if self._handler is None:
            raise RuntimeError("analysis service not started")
        await self._handler(envelope)


def build_analysis(settings: Settings, store: DocumentStore, bus: MessageBus) -> AnalysisService:
    return AnalysisService(
        store, bus, Compute(settings.analysis_workers, settings.analysis_model_path)
    )
