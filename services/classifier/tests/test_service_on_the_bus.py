"""The classifier service through the bus: tickets.submitted in, progress then the
classification (or the failure) out."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from insightbus.classifier.bootstrap import build_classifier
from insightbus.classifier.domain.classify import TicketClassifier
from insightbus.classifier.domain.triage import Level, SlaPolicy, priority
from insightbus.common.bus import MessageBus
from insightbus.common.bus.embedded import partition_for
from insightbus.common.events import Envelope, parse, topics
from insightbus.common.events.tickets import (
    Ticket,
    TicketsClassified,
    TicketsFailed,
    TicketsProgressed,
    TicketsSubmitted,
)
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.testing.factories import Recorder, on_the_bus, publish

PARTITIONS = 4
SUBMITTED_AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CREATED_AT = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
# Hours unlike the defaults, to see that the policy comes from the settings.
SLA = {"critical": 2.0, "high": 6.0, "medium": 30.0, "low": 100.0}

# BANKING77-style requests (written for this test, not taken from the data) and the
# categories a person would accept for each.
REQUESTS = [
    (
        "Card stolen",
        "Someone stole my card this morning, please block it immediately!",
        {"lost_or_stolen_card", "card_swallowed", "compromised_card"},
    ),
    (
        "New card",
        "I ordered a new card two weeks ago and it still hasn't arrived. When will it come?",
        {"card_arrival", "card_delivery_estimate"},
    ),
    (
        "Exchange rate",
        "What exchange rate do you use when I pay in euros abroad?",
        {"exchange_rate", "card_payment_wrong_exchange_rate", "fiat_currency_support"},
    ),
    (
        "PIN",
        "I typed my PIN wrong three times and now it is blocked. How do I unblock it?",
        {"pin_blocked"},
    ),
    (
        "Top up",
        "My top up failed again, the money did not go through to my account.",
        {"top_up_failed", "top_up_reverted", "pending_top_up"},
    ),
]


def submitted(tickets: list[Ticket], session_id: str = "job-1") -> TicketsSubmitted:
    return TicketsSubmitted(
        session_id=session_id,
        user_id="u1",
        file_name="tickets.csv",
        callback_url="https://hooks.example.com/tickets",
        submitted_at=SUBMITTED_AT,
        tickets=tuple(tickets),
    )


def requests_job() -> list[Ticket]:
    tickets = [
        Ticket(
            row=i + 2,
            issue_key=f"SUP-{i + 1}",
            summary=summary,
            description=description,
            reporter="ada@example.com",
            # Every other ticket has no creation time: its SLA clock starts at submission.
            created_at=CREATED_AT if i % 2 == 0 else None,
        )
        for i, (summary, description, _) in enumerate(REQUESTS)
    ]
    tickets.append(Ticket(row=20, issue_key="SUP-EMPTY", summary="  ", description="\n"))
    return tickets


@pytest.fixture(scope="module")
def shipped_models() -> TicketClassifier:
    """Loaded once for the module; the services below reuse the process's cached models."""
    return TicketClassifier.load()


Started = tuple[MessageBus, DocumentStore, Recorder]


@pytest.fixture
async def start(
    tmp_path: Path, shipped_models: TicketClassifier
) -> AsyncIterator[Callable[..., Any]]:
    async with contextlib.AsyncExitStack() as running:

        async def starter(**overrides: Any) -> Started:
            settings = Settings(
                **{
                    "data_dir": tmp_path,
                    "classifier_workers": 0,  # a thread: the models loaded once for the module
                    "sla_critical_hours": SLA["critical"],
                    "sla_high_hours": SLA["high"],
                    "sla_medium_hours": SLA["medium"],
                    "sla_low_hours": SLA["low"],
                    **overrides,
                }
            )
            service = await running.enter_async_context(
                on_the_bus(
                    lambda store, bus: build_classifier(settings, store, bus),
                    [topics.TICKETS],
                    partitions=PARTITIONS,
                )
            )
            return service.bus, service.store, service.recorder

        yield starter


def ours(recorder: Recorder) -> list[Envelope]:
    return [e for e in recorder.envelopes if e.source == "classifier"]


def outcomes(envelopes: list[Envelope], job_id: str | None = None) -> int:
    return sum(
        e.type in ("tickets.classified", "tickets.failed") and e.key == (job_id or e.key)
        for e in envelopes
    )


async def until_done(recorder: Recorder, n: int = 1, job_id: str | None = None) -> list[Envelope]:
    """The classifier's envelopes, once ``n`` jobs (of ``job_id``, if given) have an outcome."""
    await recorder.wait_for(lambda envelopes: outcomes(envelopes, job_id) >= n, timeout=20)
    return ours(recorder)


async def test_a_job_is_classified_with_progress(start: Callable[..., Any]) -> None:
    bus, _, recorder = await start()
    tickets = requests_job()
    await bus.publish(topics.TICKETS, Envelope.wrap(submitted(tickets), source="gateway"))
    out = await until_done(recorder)

    events = [parse(e) for e in out]  # each matches its published schema
    assert [e.type for e in out][-1] == "tickets.classified"
    progress = [e for e in events if isinstance(e, TicketsProgressed)]
    assert progress and progress[-1].processed == progress[-1].total == len(tickets)
    done = events[-1]
    assert isinstance(done, TicketsClassified)
    assert all(e.key == "job-1" and e.source == "classifier" for e in out)
    assert (done.file_name, done.callback_url) == (
        "tickets.csv",
        "https://hooks.example.com/tickets",
    )
    assert done.total_tickets == len(tickets) == len(done.tickets) + len(done.unclassified)
    assert done.started_at <= done.completed_at and done.processing_time_ms > 0

    # Nothing dropped: the row without text is reported, with a reason.
    assert [(u.row, u.issue_key) for u in done.unclassified] == [(20, "SUP-EMPTY")]
    assert "no text" in done.unclassified[0].reason

    by_key = {t.issue_key: t for t in done.tickets}
    for i, (_, _, plausible) in enumerate(REQUESTS):
        ticket = by_key[f"SUP-{i + 1}"]
        assert ticket.category in plausible, (ticket.summary, ticket.category)
        assert 0 < ticket.confidence_score <= 1
        assert ticket.priority == priority(Level[ticket.urgency], Level[ticket.impact]).name
        opened = CREATED_AT if i % 2 == 0 else SUBMITTED_AT
        assert ticket.sla_due_date == opened + timedelta(hours=SLA[ticket.priority])
    # A stolen card is pressing and risky; a question about rates is neither.
    assert by_key["SUP-1"].urgency == "high" and by_key["SUP-1"].priority in ("critical", "high")
    assert by_key["SUP-3"].urgency == "low"

    assert sum(done.counts_by_category.values()) == len(done.tickets)
    assert done.counts_by_category == {
        c: sum(t.category == c for t in done.tickets) for c in done.counts_by_category
    }
    assert set(done.counts_by_priority) == {"critical", "high", "medium", "low"}
    assert sum(done.counts_by_priority.values()) == len(done.tickets)


async def test_a_large_job_reports_progress_in_at_most_twenty_steps(
    start: Callable[..., Any],
) -> None:
    bus, _, recorder = await start()
    texts = [(s, d) for s, d, _ in REQUESTS]
    tickets = [
        Ticket(row=i + 2, issue_key=f"T-{i}", summary=texts[i % 5][0], description=texts[i % 5][1])
        for i in range(3000)
    ]
    await bus.publish(topics.TICKETS, Envelope.wrap(submitted(tickets), source="gateway"))
    out = await until_done(recorder)
    progress = [parse(e) for e in out if e.type == "tickets.progressed"]
    processed = [p.processed for p in progress if isinstance(p, TicketsProgressed)]
    assert 1 < len(processed) <= 20
    assert processed == sorted(processed) and processed[-1] == 3000
    done = parse(out[-1])
    assert isinstance(done, TicketsClassified)
    assert len(done.tickets) == 3000 and not done.unclassified
    assert [t.row for t in done.tickets] == [t.row for t in tickets]  # row order kept


async def test_a_redelivered_job_is_not_classified_twice(start: Callable[..., Any]) -> None:
    bus, store, recorder = await start()
    envelope = Envelope.wrap(submitted(requests_job()), source="gateway")
    await bus.publish(topics.TICKETS, envelope)
    first = [(e.id, e.data) for e in await until_done(recorder)]
    inbox = await store.collection("inbox")

    await bus.publish(topics.TICKETS, envelope)  # redelivered after success
    # A crash after the outcome was published but before the inbox remembered the envelope:
    # the job is handled again, and must not produce a second result.
    assert await inbox.delete({"id": envelope.id}) == 1
    await bus.publish(topics.TICKETS, envelope)
    # A sentinel job on the same partition, so handled after both redeliveries.
    sentinel = next(
        job_id
        for job_id in (f"job-{i}" for i in itertools.count(2))
        if partition_for(job_id, PARTITIONS) == partition_for("job-1", PARTITIONS)
    )
    await publish(bus, submitted(requests_job(), sentinel), source="gateway")
    out = await until_done(recorder, job_id=sentinel)
    assert [(e.id, e.data) for e in out if e.key == "job-1"] == first
    assert all(e.key == sentinel for e in out[len(first) :])


async def test_an_ended_job_is_kept_for_the_job_retention_then_forgotten(
    start: Callable[..., Any],
) -> None:
    bus, store, recorder = await start()
    await bus.publish(topics.TICKETS, Envelope.wrap(submitted(requests_job()), source="gateway"))
    await until_done(recorder)
    jobs = await store.collection("jobs")
    retention = timedelta(seconds=Settings().ticket_job_retention_s)
    await store.purge_expired(datetime.now(UTC) + retention - timedelta(hours=1))
    assert [j["status"] for j in await jobs.find()] == ["completed"]
    await store.purge_expired(datetime.now(UTC) + retention + timedelta(hours=1))
    assert await jobs.count() == 0


async def test_an_outcome_recorded_before_a_crash_is_published_as_recorded(
    start: Callable[..., Any],
) -> None:
    bus, store, recorder = await start()
    envelope = Envelope.wrap(submitted(requests_job()), source="gateway")
    await bus.publish(topics.TICKETS, envelope)
    out = await until_done(recorder)
    classified = out[-1]
    # As if the service had crashed after writing the outcome into the job, before the
    # outbox had it: the redelivery hands over that outcome, it does not classify again.
    jobs, inbox = await store.collection("jobs"), await store.collection("inbox")
    await jobs.update({"id": "job-1"}, {"outcome": classified.model_dump(mode="json")})
    await inbox.delete({"id": envelope.id})
    await bus.publish(topics.TICKETS, envelope)
    out = await until_done(recorder, 2)
    again = out[-1]
    assert (again.id, again.data) == (classified.id, classified.data)  # consumers drop it
    assert sum(e.type == "tickets.progressed" for e in out) == 1  # no second run
    job = await jobs.get("job-1")
    assert job is not None and job["status"] == "completed" and job["outcome"] is None


async def test_a_job_whose_model_is_missing_fails_with_a_reason(
    start: Callable[..., Any], tmp_path: Path
) -> None:
    bus, store, recorder = await start(classifier_model_path=tmp_path / "no-such-model")
    await bus.publish(
        topics.TICKETS, Envelope.wrap(submitted(requests_job(), "job-2"), source="gateway")
    )
    out = await until_done(recorder)
    failed = parse(out[-1])
    assert isinstance(failed, TicketsFailed)
    assert "no-such-model" in failed.error_message and "model" in failed.error_message
    assert (failed.session_id, failed.file_name) == ("job-2", "tickets.csv")
    assert failed.callback_url == "https://hooks.example.com/tickets"
    job = await (await store.collection("jobs")).get("job-2")
    assert job is not None and job["status"] == "failed"
    assert job["error_message"] == failed.error_message


async def test_a_corrupt_sentiment_model_fails_the_job(
    start: Callable[..., Any], tmp_path: Path
) -> None:
    corrupt = tmp_path / "sentiment"
    corrupt.mkdir()
    (corrupt / "model.joblib").write_bytes(b"not a model at all")
    bus, _, recorder = await start(sentiment_model_path=corrupt)
    await bus.publish(topics.TICKETS, Envelope.wrap(submitted(requests_job()), source="gateway"))
    out = await until_done(recorder)
    failed = parse(out[-1])
    assert isinstance(failed, TicketsFailed) and "not a sentiment model" in failed.error_message
    assert not [e for e in out if e.type == "tickets.classified"]


async def test_a_job_over_the_row_limit_fails(start: Callable[..., Any]) -> None:
    bus, _, recorder = await start(tickets_max_rows=3)
    await bus.publish(topics.TICKETS, Envelope.wrap(submitted(requests_job()), source="gateway"))
    out = await until_done(recorder)
    failed = parse(out[-1])
    assert isinstance(failed, TicketsFailed) and "limit is 3" in failed.error_message


async def test_worker_processes_classify_like_the_in_process_thread(
    start: Callable[..., Any], shipped_models: TicketClassifier
) -> None:
    bus, _, recorder = await start(classifier_workers=1)  # the deployed default: a process pool
    tickets = requests_job()
    await bus.publish(topics.TICKETS, Envelope.wrap(submitted(tickets), source="gateway"))
    out = await until_done(recorder)
    done = parse(out[-1])
    assert isinstance(done, TicketsClassified)
    policy = SlaPolicy(SLA["critical"], SLA["high"], SLA["medium"], SLA["low"])
    here = TicketClassifier(shipped_models.category, shipped_models.sentiment, policy)
    expected = here.classify(tickets, SUBMITTED_AT)
    assert list(done.tickets) == expected.classified
    assert list(done.unclassified) == expected.unclassified
