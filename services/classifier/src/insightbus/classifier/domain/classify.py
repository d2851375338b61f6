"""Classifying tickets: category, urgency, impact, priority, sentiment and SLA due date.

``TicketClassifier.classify`` is the whole CPU-bound step of a job, and the function to call to
measure the classifier's raw throughput::

    from insightbus.classifier.domain.classify import TicketClassifier

    classifier = TicketClassifier.load()  # the shipped models, default SLA policy
    result = classifier.classify(tickets)  # a sequence of insightbus...events.tickets.Ticket
    result.classified, result.unclassified

Each model runs once over the whole batch (one vectorization, one matrix product); only the
cheap rules (triage cues, the priority matrix, the due date) run per row.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from insightbus.classifier.domain.triage import (
    Level,
    Priority,
    SlaPolicy,
    impact,
    priority,
    urgency,
)
from insightbus.common.events import tickets as contract
from insightbus.common.events.tickets import ClassifiedTicket, Ticket, UnclassifiedTicket

if TYPE_CHECKING:  # scikit-learn takes seconds to import: only where models are loaded
    from insightbus.classifier.domain.category_model import CategoryModel
    from insightbus.classifier.domain.sentiment import SentimentModel

log = logging.getLogger(__name__)

# The models read at most this much of a ticket: a request says what it is about early, and
# the cost of the character n-grams grows with length, so one pasted log cannot stall a job.
MODEL_TEXT_CHARS = 2000
NO_TEXT = "no text to classify: the summary and the description have no words"

_Outcome = ClassifiedTicket | UnclassifiedTicket
# The triage enums, spelled as the event contract spells them.
_LEVEL: dict[Level, contract.Level] = {Level.low: "low", Level.medium: "medium", Level.high: "high"}
_PRIORITY: dict[Priority, contract.Priority] = {
    Priority.critical: "critical",
    Priority.high: "high",
    Priority.medium: "medium",
    Priority.low: "low",
}


@dataclass(frozen=True)
class Classification:
    """Every ticket given ends up in exactly one of the two lists, in row order."""

    classified: list[ClassifiedTicket] = field(default_factory=list)
    unclassified: list[UnclassifiedTicket] = field(default_factory=list)


def text_of(ticket: Ticket) -> str:
    return f"{ticket.summary.strip()}\n{ticket.description.strip()}".strip()


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@functools.lru_cache(maxsize=4)
def _models(category: Path | None, sentiment: Path | None) -> tuple[CategoryModel, SentimentModel]:
    # Read once per process and path: the models are read-only after training. A failed load
    # raises, and is not cached.
    from insightbus.classifier.domain.category_model import CategoryModel
    from insightbus.classifier.domain.sentiment import SentimentModel

    return CategoryModel.load(category), SentimentModel.load(sentiment)


class TicketClassifier:
    def __init__(
        self, category: CategoryModel, sentiment: SentimentModel, sla: SlaPolicy | None = None
    ) -> None:
        self.category = category
        self.sentiment = sentiment
        self.sla = sla or SlaPolicy()

    @classmethod
    def load(
        cls,
        category_path: Path | None = None,
        sentiment_path: Path | None = None,
        sla: SlaPolicy | None = None,
    ) -> TicketClassifier:
        """The models in those folders (None: the ones shipped with the package).

        Raises FileNotFoundError or ValueError (and whatever unpickling a corrupt file raises)
        when a model cannot be read."""
        category, sentiment = _models(
            category_path.resolve() if category_path else None,
            sentiment_path.resolve() if sentiment_path else None,
        )
        return cls(category, sentiment, sla)

    def classify(
        self, tickets: Sequence[Ticket], received_at: datetime | None = None
    ) -> Classification:
        """Classify ``tickets``. A ticket's SLA clock starts at its ``created_at``, or at
        ``received_at`` (default: now) when it has none; naive times are taken as UTC.

        A row without words, or one that fails, is reported in ``unclassified`` with the
        reason; the others are classified all the same."""
        received_at = _aware(received_at or datetime.now(UTC))
        texts = [text_of(t) for t in tickets]
        todo = [k for k, text in enumerate(texts) if _has_words(text)]
        outcomes: list[_Outcome] = [
            UnclassifiedTicket(row=t.row, issue_key=t.issue_key, reason=NO_TEXT) for t in tickets
        ]
        try:
            done = self._classify([tickets[k] for k in todo], [texts[k] for k in todo], received_at)
        except Exception:
            # Something in the batch broke a model: classify row by row to isolate it.
            log.exception("batch classification failed; classifying row by row")
            done = [self._classify_one(tickets[k], texts[k], received_at) for k in todo]
        for k, outcome in zip(todo, done, strict=True):
            outcomes[k] = outcome
        result = Classification()
        for outcome in outcomes:
            if isinstance(outcome, ClassifiedTicket):
                result.classified.append(outcome)
            else:
                result.unclassified.append(outcome)
        return result

    def _classify_one(self, ticket: Ticket, text: str, received_at: datetime) -> _Outcome:
        try:
            return self._classify([ticket], [text], received_at)[0]
        except Exception as exc:
            return _failed(ticket, exc)

    def _classify(
        self, tickets: Sequence[Ticket], texts: Sequence[str], received_at: datetime
    ) -> list[_Outcome]:
        if not tickets:
            return []
        clipped = [text[:MODEL_TEXT_CHARS] for text in texts]
        categories = self.category.predict(clipped)
        sentiments = self.sentiment.predict(clipped)
        out: list[_Outcome] = []
        for ticket, text, category, sentiment in zip(
            tickets, texts, categories, sentiments, strict=True
        ):
            try:
                u, i = urgency(text).level, impact(text).level
                level = priority(u, i)
                opened = _aware(ticket.created_at) if ticket.created_at else received_at
                out.append(
                    ClassifiedTicket(
                        row=ticket.row,
                        issue_key=ticket.issue_key,
                        summary=ticket.summary,
                        category=category.label,
                        priority=_PRIORITY[level],
                        urgency=_LEVEL[u],
                        impact=_LEVEL[i],
                        sentiment=sentiment.label,
                        confidence_score=min(max(category.confidence, 0.0), 1.0),
                        sla_due_date=self.sla.due(opened, level),
                    )
                )
            except Exception as exc:  # e.g. a due date out of range: this row only
                out.append(_failed(ticket, exc))
        return out


def _failed(ticket: Ticket, exc: Exception) -> UnclassifiedTicket:
    return UnclassifiedTicket(
        row=ticket.row,
        issue_key=ticket.issue_key,
        reason=f"could not be classified ({type(exc).__name__}: {exc})",
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
