"""The classification on the shared worker pool: the ``Classifier`` port, for the use case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from insightbus.classifier.adapters import models
from insightbus.classifier.adapters.models import ModelPaths
from insightbus.classifier.domain.classify import Classification
from insightbus.classifier.domain.errors import ModelUnavailable
from insightbus.classifier.domain.triage import SlaPolicy
from insightbus.common.events.tickets import Ticket
from insightbus.common.workers import WorkerPool, WorkerUnavailable


def classifier_pool(workers: int, paths: ModelPaths, sla: SlaPolicy) -> WorkerPool:
    """``workers`` processes (0: a thread), each loading the models once."""
    return WorkerPool(workers, models.load_models, (paths, sla), name="classifier")


class PooledClassifier:
    def __init__(self, pool: WorkerPool) -> None:
        self._pool = pool

    @property
    def in_flight(self) -> int:
        return self._pool.in_flight

    @property
    def unavailable(self) -> str | None:
        return self._pool.error

    async def classify(self, tickets: Sequence[Ticket], received_at: datetime) -> Classification:
        try:
            return await self._pool.run(models.classify, tuple(tickets), received_at)
        except WorkerUnavailable as exc:
            raise ModelUnavailable(str(exc)) from exc
