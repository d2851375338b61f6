"""TicketClassifier.classify, the domain step a job runs (and benchmarks call)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from insightbus.classifier.domain.category_model import Prediction
from insightbus.classifier.domain.classify import TicketClassifier
from insightbus.classifier.domain.triage import SlaPolicy
from insightbus.common.events.tickets import Ticket


@pytest.fixture(scope="module")
def classifier() -> TicketClassifier:
    return TicketClassifier.load()


def ticket(row: int, summary: str, description: str = "", **kw: object) -> Ticket:
    return Ticket(row=row, issue_key=f"K-{row}", summary=summary, description=description, **kw)


class FailsOn:
    """A category model that breaks on one text, as a model might on an input it chokes on."""

    def __init__(self, word: str, model: object) -> None:
        self.word, self.model = word, model

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if any(self.word in t for t in texts):
            raise ValueError(f"cannot handle {self.word!r}")
        return self.model.predict(texts)  # type: ignore[attr-defined, no-any-return]


def test_a_row_that_breaks_the_model_is_reported_and_the_others_classified(
    classifier: TicketClassifier,
) -> None:
    fragile = TicketClassifier(FailsOn("boom", classifier.category), classifier.sentiment)  # type: ignore[arg-type]
    tickets = [
        ticket(2, "Card not arrived", "Where is my new card?"),
        ticket(3, "boom", "this row breaks the model"),
        ticket(4, "Top up", "My top up failed"),
        ticket(5, "", "---"),
    ]
    result = fragile.classify(tickets)
    assert [t.row for t in result.classified] == [2, 4]
    assert [(u.row, u.issue_key) for u in result.unclassified] == [(3, "K-3"), (5, "K-5")]
    assert "cannot handle 'boom'" in result.unclassified[0].reason
    assert "no text" in result.unclassified[1].reason


def test_due_dates_start_at_creation_or_receipt_and_naive_times_are_utc(
    classifier: TicketClassifier,
) -> None:
    policy = SlaPolicy(critical_h=1, high_h=2, medium_h=3, low_h=4)
    hours = {"critical": 1, "high": 2, "medium": 3, "low": 4}
    sla = TicketClassifier(classifier.category, classifier.sentiment, policy)
    received = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
    naive = datetime(2024, 12, 31, 23, 0)
    result = sla.classify(
        [
            ticket(2, "How do I change my address?"),
            ticket(3, "How do I change my address?", created_at=naive),
        ],
        received_at=received,
    )
    first, second = result.classified
    assert first.sla_due_date == received + timedelta(hours=hours[first.priority])
    assert second.sla_due_date == naive.replace(tzinfo=UTC) + timedelta(
        hours=hours[second.priority]
    )


def test_each_ticket_gets_one_outcome_in_row_order(classifier: TicketClassifier) -> None:
    tickets = [
        ticket(i + 2, "Exchange rate", "What rate do you use for dollars?") for i in range(7)
    ]
    tickets[3] = ticket(5, "", "")
    result = classifier.classify(tickets)
    assert [t.row for t in result.classified] == [2, 3, 4, 6, 7, 8]
    assert [u.row for u in result.unclassified] == [5]
    assert classifier.classify([]).classified == []
