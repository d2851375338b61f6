"""The classification as it runs in a worker process (or, with no workers, on a thread).

Each worker loads the models once (``load_models``, the pool's initializer). A model that
cannot be loaded does not stop the service: the pool remembers why, and every job then fails
with that reason (tickets.failed) instead of dying in a retry loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from insightbus.classifier.domain.classify import Classification, TicketClassifier
from insightbus.classifier.domain.errors import ModelUnavailable
from insightbus.classifier.domain.triage import SlaPolicy
from insightbus.common.events.tickets import Ticket


@dataclass(frozen=True)
class ModelPaths:
    category: Path | None = None  # None: the model shipped with the package
    sentiment: Path | None = None


# In a worker process: its classifier.
_classifier: TicketClassifier | None = None


def load_models(paths: ModelPaths, sla: SlaPolicy) -> None:
    global _classifier
    _classifier = None
    try:
        _classifier = TicketClassifier.load(paths.category, paths.sentiment, sla)
    except Exception as exc:
        raise ModelUnavailable(f"the classifier's models cannot be loaded: {exc}") from exc


def classify(tickets: Sequence[Ticket], received_at: datetime) -> Classification:
    if _classifier is None:
        raise ModelUnavailable("the classifier's models are not loaded")
    return _classifier.classify(tickets, received_at)
