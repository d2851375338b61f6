"""The classifier service: consumes submitted ticket jobs, publishes their classification."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.classifier.compute import Compute, ModelPaths
from insightbus.classifier.domain.triage import SlaPolicy
from insightbus.classifier.handlers import SOURCE, TicketClassification
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, topics
from insightbus.common.idempotency import Inbox
from insightbus.common.outbox import Outbox
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore, Index

GROUP = "classifier"


class ClassifierService:
    name = "classifier"

    def __init__(
        self, store: DocumentStore, bus: MessageBus, compute: Compute, *, max_rows: int
    ) -> None:
        self._store = store
        self._bus = bus
        self._compute = compute
        self._max_rows = max_rows
        self._outbox: Outbox | None = None
        self._handler: TicketClassification | None = None
        bus.subscribe(GROUP, [topics.TICKETS], self._handle)

    def configure(self, app: FastAPI) -> None:
        """No routes: the classifier talks only through the bus."""

    async def start(self) -> None:
        jobs = await self._store.collection("jobs", [Index(("status",))])
        inbox = await Inbox.create(self._store)
        outbox = await Outbox.create(self._store, self._bus, source=SOURCE)
        await self._compute.start()  # loads the models now, not on the first job
        self._handler = TicketClassification(
            jobs, outbox, inbox, self._compute, max_rows=self._max_rows
        )
        self._outbox = outbox
        outbox.start()

    async def stop(self) -> None:
        self._handler = None
        if self._outbox is not None:
            await self._outbox.stop()
            self._outbox = None
        await self._compute.stop()

    async def _handle(self, envelope: Envelope) -> None:
        if self._handler is None:
            raise RuntimeError("classifier service not started")  # the bus retries
        await self._handler(envelope)


def sla_policy(settings: Settings) -> SlaPolicy:
    return SlaPolicy(
        critical_h=settings.sla_critical_hours,
        high_h=settings.sla_high_hours,
        medium_h=settings.sla_medium_hours,
        low_h=settings.sla_low_hours,
    )


def build_classifier(
    settings: Settings, store: DocumentStore, bus: MessageBus
) -> ClassifierService:
    compute = Compute(
        settings.classifier_workers,
        ModelPaths(settings.classifier_model_path, settings.sentiment_model_path),
        sla_policy(settings),
    )
    return ClassifierService(store, bus, compute, max_rows=settings.tickets_max_rows)
