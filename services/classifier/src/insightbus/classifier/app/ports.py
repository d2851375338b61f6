"""What the classification use case needs from the outside besides its collections, the
inbox and the outbox: the classification itself, run off the event loop
(``adapters.pool.PooledClassifier`` runs it in worker processes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from insightbus.classifier.domain.classify import Classification
from insightbus.common.events.tickets import Ticket


class Classifier(Protocol):
    @property
    def in_flight(self) -> int:
        """How many chunks to hand over at once to keep every worker busy."""

    @property
    def unavailable(self) -> str | None:
        """Why no job can be classified (the models could not be loaded), once known."""

    async def classify(self, tickets: Sequence[Ticket], received_at: datetime) -> Classification:
        """Raises ModelUnavailable when the models could not be loaded."""
