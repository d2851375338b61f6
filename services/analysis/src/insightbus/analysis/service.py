"""The analysis service: consumes uploaded content, publishes what it finds."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from insightbus.analysis.domain import EmotionModel
from insightbus.analysis.handlers import ContentAnalysis
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, topics
from insightbus.common.idempotency import Inbox
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore

GROUP = "analysis"


class AnalysisService:
    name = "analysis"

    def __init__(
        self, store: DocumentStore, bus: MessageBus, model: Callable[[], EmotionModel]
    ) -> None:
        self._store = store
        self._bus = bus
        self._model = model
        self._handler: ContentAnalysis | None = None
        bus.subscribe(GROUP, [topics.SESSIONS], self._handle)

    def configure(self, app: FastAPI) -> None:
        """No routes: the analysis service talks only through the bus."""

    async def start(self) -> None:
        inbox = await Inbox.create(self._store)
        self._handler = ContentAnalysis(self._bus, inbox, self._model)
        # Load the model now rather than on the first upload, so that one is fast too.
        self._model()

    async def stop(self) -> None:
        self._handler = None

    async def _handle(self, envelope: Envelope) -> None:
        if self._handler is None:
            raise RuntimeError("analysis service not started")
        await self._handler(envelope)


def build_analysis(settings: Settings, store: DocumentStore, bus: MessageBus) -> AnalysisService:
    return AnalysisService(store, bus, EmotionModel.load)
