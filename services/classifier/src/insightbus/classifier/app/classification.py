"""The classification use case: tickets submitted -> progress, then classified (or failed).

Each job is a document in the service's ``jobs`` collection (pending, processing, completed or
failed, with its progress), so it is tracked to its end. Events go through the outbox, with
ids derived from the job id, so a job run again after a crash re-emits the same envelopes and
consumers drop the duplicates. A job that has ended expires ``job_retention_s`` later (a
running one never does). The outcome is decided once: it is written into the job before
it is handed to the outbox, and a redelivery of a job that has an outcome hands that same
outcome over (if it had not been yet) instead of classifying again; the inbox makes a
redelivery after success a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from insightbus.classifier.app.ports import Classifier
from insightbus.classifier.domain.classify import Classification
from insightbus.classifier.domain.errors import JobFailed, ModelUnavailable, TooManyTickets
from insightbus.common.events import Envelope, Event, parse, utcnow
from insightbus.common.events.tickets import (
    Priority,
    TicketsClassified,
    TicketsFailed,
    TicketsProgressed,
    TicketsSubmitted,
)
from insightbus.common.idempotency import Inbox
from insightbus.common.outbox import Outbox
from insightbus.common.retention import expires_after
from insightbus.common.store import EXPIRE_AT, Collection

log = logging.getLogger(__name__)

SOURCE = "classifier"
MAX_PROGRESS_EVENTS = 20
MIN_CHUNK = 250  # below this, a chunk's fixed costs outweigh a finer progress bar
_IDS = uuid.UUID("0d6f4a52-9e1b-4c0b-8f3e-2b7c5a1e9d34")
_PRIORITIES: tuple[Priority, ...] = ("critical", "high", "medium", "low")
ENDED = ("completed", "failed")


def stable_id(job_id: str, kind: str, index: int = 0) -> str:
    return uuid.uuid5(_IDS, f"{job_id}:{kind}:{index}").hex


def chunk_size(total: int) -> int:
    return max(MIN_CHUNK, math.ceil(total / MAX_PROGRESS_EVENTS))


class TicketClassification:
    """Tickets submitted -> progress, then the classification or the failure
    (``entrypoints.bus`` hands it the submitted jobs)."""

    def __init__(
        self,
        jobs: Collection,
        outbox: Outbox,
        inbox: Inbox,
        classifier: Classifier,
        *,
        max_rows: int,
        job_retention_s: float,
    ) -> None:
        self._jobs = jobs
        self._outbox = outbox
        self._inbox = inbox
        self._classifier = classifier
        self._max_rows = max_rows
        self._job_retention_s = job_retention_s

    async def tickets_submitted(self, envelope: Envelope, job: TicketsSubmitted) -> None:
        """Classify the job once: a redelivery after success is a no-op."""
        if await self._inbox.seen(envelope.id):
            return
        await self.run(envelope, job)
        await self._inbox.remember(envelope.id)

    async def run(self, envelope: Envelope, job: TicketsSubmitted) -> None:
        job_id = job.session_id
        found = await self._jobs.get(job_id)
        if found is not None and found["status"] in ENDED:
            # Decided before (a redelivery, perhaps after a crash): hand the same outcome over.
            await self._hand_over(found)
            return
        total = len(job.tickets)
        await self._jobs.replace(
            {
                "id": job_id,
                "user_id": job.user_id,
                "file_name": job.file_name,
                "submitted_envelope_id": envelope.id,
                "status": "pending",
                "total": total,
                "processed": 0,
                "progress": 0,
                "attempts": (found or {}).get("attempts", 0) + 1,
                "received_at": utcnow().isoformat(),
            }
        )
        try:
            result, started_at, elapsed_ms = await self._classify(envelope, job)
        except JobFailed as exc:
            log.warning("ticket job failed", extra={"job": job_id, "reason": str(exc)})
            await self._decide(
                envelope,
                "failed",
                TicketsFailed(
                    session_id=job_id,
                    user_id=job.user_id,
                    file_name=job.file_name,
                    callback_url=job.callback_url,
                    failed_at=utcnow(),
                    error_message=str(exc),
                ),
                error_message=str(exc),
            )
            return
        by_category = Counter(t.category for t in result.classified)
        by_priority = Counter(t.priority for t in result.classified)
        await self._decide(
            envelope,
            "completed",
            TicketsClassified(
                session_id=job_id,
                user_id=job.user_id,
                file_name=job.file_name,
                callback_url=job.callback_url,
                started_at=started_at,
                completed_at=utcnow(),
                processing_time_ms=round(elapsed_ms, 3),
                total_tickets=total,
                # Most frequent first; every priority present, so clients need no defaults.
                counts_by_category=dict(
                    sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
                ),
                counts_by_priority={p: by_priority.get(p, 0) for p in _PRIORITIES},
                tickets=tuple(result.classified),
                unclassified=tuple(result.unclassified),
            ),
            classified=len(result.classified),
            unclassified=len(result.unclassified),
        )
        log.info(
            "ticket job classified",
            extra={"job": job_id, "tickets": total, "ms": round(elapsed_ms, 1)},
        )

    async def _classify(
        self, envelope: Envelope, job: TicketsSubmitted
    ) -> tuple[Classification, datetime, float]:
        job_id, total = job.session_id, len(job.tickets)
        if total > self._max_rows:
            raise TooManyTickets(total, self._max_rows)
        if self._classifier.unavailable:
            raise ModelUnavailable(self._classifier.unavailable)
        started_at, started = utcnow(), time.perf_counter()
        await self._jobs.update(
            {"id": job_id}, {"status": "processing", "started_at": started_at.isoformat()}
        )
        size = chunk_size(total)
        chunks = [job.tickets[first : first + size] for first in range(0, total, size)]
        # Several chunks in flight, so a big job keeps every worker process busy; results and
        # progress are still taken in row order.
        window = self._classifier.in_flight
        tasks: list[asyncio.Future[Classification]] = []

        def submit(k: int) -> None:
            if k < len(chunks):
                tasks.append(
                    asyncio.ensure_future(self._classifier.classify(chunks[k], job.submitted_at))
                )

        for k in range(window):
            submit(k)
        result, processed = Classification(), 0
        try:
            for index, chunk in enumerate(chunks):
                part = await self._chunk(tasks[index], job_id)
                submit(index + window)
                result.classified.extend(part.classified)
                result.unclassified.extend(part.unclassified)
                processed += len(chunk)
                await self._outbox.add(
                    TicketsProgressed(
                        session_id=job_id, user_id=job.user_id, processed=processed, total=total
                    ),
                    correlation_id=envelope.correlation_id,
                    id=stable_id(job_id, "progress", index),
                )
                await self._jobs.update(
                    {"id": job_id},
                    {"processed": processed, "progress": round(100 * processed / total)},
                )
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return result, started_at, (time.perf_counter() - started) * 1000

    @staticmethod
    async def _chunk(task: asyncio.Future[Classification], job_id: str) -> Classification:
        """A chunk's classification; its failures fail the job. (Store and bus errors are
        not caught: they propagate, and the bus retries the job.)"""
        try:
            return await task
        except ModelUnavailable:
            raise
        except Exception as exc:
            log.exception("classifying a chunk failed", extra={"job": job_id})
            raise JobFailed(f"internal error while classifying ({type(exc).__name__})") from exc

    async def _decide(self, cause: Envelope, status: str, event: Event, **summary: Any) -> None:
        """Record the outcome in the job, then hand it to the outbox."""
        outcome = Envelope.wrap(
            event,
            source=SOURCE,
            correlation_id=cause.correlation_id,
            id=stable_id(event.key(), "outcome"),
        )
        now = utcnow()
        changes: dict[str, Any] = {
            "status": status,
            "finished_at": now.isoformat(),
            EXPIRE_AT: expires_after(self._job_retention_s, now),
            "outcome": outcome.model_dump(mode="json"),
            **summary,
        }
        if status == "completed":
            changes["progress"] = 100
        await self._jobs.update({"id": event.key()}, changes)
        await self._outbox.add(event, correlation_id=outcome.correlation_id, id=outcome.id)
        # The outbox has it now; the job keeps its summary, not a second copy of the tickets.
        await self._jobs.update({"id": event.key()}, {"outcome": None})

    async def _hand_over(self, job: dict[str, Any]) -> None:
        stored = job.get("outcome")
        if stored is None:
            return  # already in the outbox (or published)
        outcome = Envelope.model_validate(stored)
        await self._outbox.add(parse(outcome), correlation_id=outcome.correlation_id, id=outcome.id)
        await self._jobs.update({"id": job["id"]}, {"outcome": None})
