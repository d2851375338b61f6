"""The classifier's composition root: settings -> collections, outbox, worker pool -> use
case -> bus consumers."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from insightbus.classifier.adapters.models import ModelPaths
from insightbus.classifier.adapters.pool import PooledClassifier, classifier_pool
from insightbus.classifier.app.classification import ENDED, SOURCE, TicketClassification
from insightbus.classifier.domain.triage import SlaPolicy
from insightbus.classifier.entrypoints.bus import TOPOLOGY
from insightbus.common.bus import MessageBus
from insightbus.common.idempotency import Inbox
from insightbus.common.outbox import Outbox
from insightbus.common.pooled_service import PooledService
from insightbus.common.retention import expire_unmarked
from insightbus.common.runtime import service_app
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore, Index, expiry_index
from insightbus.common.workers import WorkerPool


@dataclass(frozen=True)
class Retention:
    inbox_s: float  # handled envelope ids
    jobs_s: float  # a job, once it has ended


class ClassifierService(PooledService[TicketClassification]):
    """Consumes submitted ticket jobs, publishes their classification."""

    name = "classifier"

    def __init__(
        self,
        store: DocumentStore,
        bus: MessageBus,
        pool: WorkerPool,
        *,
        max_rows: int,
        retention: Retention,
    ) -> None:
        self._store = store
        self._bus = bus
        self._max_rows = max_rows
        self._retention = retention
        self._outbox: Outbox | None = None
        super().__init__(bus, pool, TOPOLOGY)

    async def build(self) -> TicketClassification:
        jobs = await self._store.collection("jobs", [Index(("status",)), expiry_index()])
        # Jobs that ended before jobs expired go a retention from now.
        await expire_unmarked(jobs, self._retention.jobs_s, {"status": {"$in": list(ENDED)}})
        inbox = await Inbox.create(self._store, retention_s=self._retention.inbox_s)
        outbox = await Outbox.create(self._store, self._bus, source=SOURCE)
        self._outbox = outbox
        outbox.start()
        return TicketClassification(
            jobs,
            outbox,
            inbox,
            PooledClassifier(self.pool),
            max_rows=self._max_rows,
            job_retention_s=self._retention.jobs_s,
        )

    async def stop(self) -> None:
        await super().stop()
        if self._outbox is not None:
            await self._outbox.stop()
            self._outbox = None


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
    pool = classifier_pool(
        settings.classifier_workers,
        ModelPaths(settings.classifier_model_path, settings.sentiment_model_path),
        sla_policy(settings),
    )
    return ClassifierService(
        store,
        bus,
        pool,
        max_rows=settings.tickets_max_rows,
        retention=Retention(
            inbox_s=settings.inbox_retention_s, jobs_s=settings.ticket_job_retention_s
        ),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The classifier alone in its process (the distributed mode): it still serves /health and
    /metrics, for probes and scraping."""
    settings = settings or Settings()
    return service_app(
        settings, "classifier", lambda store, bus: build_classifier(settings, store, bus)
    )
