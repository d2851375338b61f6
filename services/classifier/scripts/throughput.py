"""How fast the classifier is: the domain step alone, and a whole job through the service.

    .venv/bin/python services/classifier/scripts/throughput.py [--tickets 10000] [--workers 1]

Tickets are BANKING77 requests wrapped the way help-desk mail arrives (a greeting, the request,
some context, a sign-off), so they are longer than the bare queries. ``raw`` times
``TicketClassifier.classify`` on all of them at once, in this process (best of three); ``job``
publishes one tickets.submitted on an in-memory embedded bus and times it to the
tickets.classified, with the service's process pool, chunks, progress events and outbox.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from insightbus.classifier.bootstrap import build_classifier
from insightbus.classifier.domain.classify import TicketClassifier
from insightbus.classifier.domain.labelled_data import read_labelled
from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.events import Envelope, topics
from insightbus.common.events.tickets import Ticket, TicketsSubmitted
from insightbus.common.settings import Settings
from insightbus.common.store.sqlite import SqliteStore

DATA = Path(__file__).resolve().parents[1] / "data" / "banking77" / "train.csv"
GREETINGS = ("Hi,", "Hello team,", "Good morning,", "Dear support,", "")
CONTEXT = (
    "I have been a customer for years and never had this problem.",
    "I tried the app and the website already.",
    "This is the second time I am writing about it.",
    "My account is a personal one, opened last spring.",
    "",
)
SIGN_OFFS = ("Thanks, Sam", "Regards, Alex", "Please help.", "Cheers", "")


def tickets(n: int) -> list[Ticket]:
    texts, _ = read_labelled(DATA, "text", "category")
    rng = random.Random(5)
    out = []
    for i in range(n):
        text = rng.choice(texts)
        description = " ".join(
            part
            for part in (
                rng.choice(GREETINGS),
                text,
                rng.choice(CONTEXT),
                rng.choice(SIGN_OFFS),
            )
            if part
        )
        out.append(
            Ticket(
                row=i + 2,
                issue_key=f"SUP-{i + 1}",
                summary=" ".join(text.split()[:6]),
                description=description,
                created_at=datetime(2025, 1, 1, tzinfo=UTC) if i % 3 else None,
            )
        )
    return out


def raw(batch: list[Ticket]) -> float:
    classifier = TicketClassifier.load()
    classifier.classify(batch[:100])  # warm up
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        classifier.classify(batch)
        best = min(best, time.perf_counter() - started)
    return best


async def job(batch: list[Ticket], workers: int) -> tuple[float, float]:
    bus, store = EmbeddedBus(None), SqliteStore(None)
    service = build_classifier(Settings(classifier_workers=workers), store, bus)
    done = asyncio.Event()

    async def watch(envelope: Envelope) -> None:
        if envelope.type == "tickets.classified":
            done.set()

    bus.subscribe("bench", [topics.TICKETS], watch)
    await store.start()
    await service.start()
    await bus.start()
    event = TicketsSubmitted(
        session_id="bench",
        user_id="bench",
        file_name="bench.csv",
        submitted_at=datetime.now(UTC),
        tickets=tuple(batch),
    )
    started = time.perf_counter()
    await bus.publish(topics.TICKETS, Envelope.wrap(event, source="bench"))
    await done.wait()
    elapsed = time.perf_counter() - started
    await bus.stop()
    await service.stop()
    await store.close()
    return elapsed, len(Envelope.wrap(event, source="bench").to_bytes()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    batch = tickets(args.tickets)
    raw_s = raw(batch)
    job_s, submitted_mb = asyncio.run(job(batch, args.workers))
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "mean_ticket_chars": round(
                    sum(len(t.summary) + len(t.description) for t in batch) / len(batch)
                ),
                "raw_classify_s": round(raw_s, 2),
                "raw_tickets_per_s": round(args.tickets / raw_s),
                "job_workers": args.workers,
                "job_submitted_to_classified_s": round(job_s, 2),
                "submitted_event_mb": round(submitted_mb, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
