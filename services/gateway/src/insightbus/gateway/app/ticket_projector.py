"""Applies the classifier's reports to the gateway's ticket jobs (consumer group
"gateway-tickets"). Each change is a compare-and-set on the job's status, so a redelivered
or late event never moves a job backwards: progress only while open, and an ended job
stays as it ended. An ended job expires ``retention_s`` later, results and all (a job still
open never does). (``tickets.submitted``, our own and the largest event, is not routed
here, so it is not even parsed.)"""

from __future__ import annotations

from insightbus.common.events.tickets import TicketsClassified, TicketsFailed, TicketsProgressed
from insightbus.common.retention import expires_after
from insightbus.common.store import EXPIRE_AT, Collection
from insightbus.gateway.domain.tickets.jobs import OPEN


class TicketJobProjector:
    def __init__(self, jobs: Collection, *, retention_s: float) -> None:
        self._jobs = jobs
        self._retention_s = retention_s

    async def progressed(self, event: TicketsProgressed) -> None:
        percent = round(100 * event.processed / event.total) if event.total else 100
        await self._jobs.update(
            {
                "id": event.session_id,
                "status": {"$in": list(OPEN)},
                "progress.processed": {"$lt": event.processed},
            },
            {
                "status": "processing",
                "progress": {
                    "processed": event.processed,
                    "total": event.total,
                    "percent": min(percent, 99),  # 100 is "completed"
                },
            },
        )

    async def classified(self, event: TicketsClassified) -> None:
        await self._jobs.update(
            {"id": event.session_id, "status": {"$in": list(OPEN)}},
            {
                "status": "completed",
                "started_at": event.started_at.isoformat(),
                "completed_at": event.completed_at.isoformat(),
                "results": {
                    "total_tickets": event.total_tickets,
                    "classified": len(event.tickets),
                    "unclassified": len(event.unclassified),
                    "processing_time_ms": event.processing_time_ms,
                    "counts_by_category": event.counts_by_category,
                    "counts_by_priority": event.counts_by_priority,
                },
                "tickets": [t.model_dump(mode="json", exclude={"row"}) for t in event.tickets],
                "unclassified": [u.model_dump(mode="json") for u in event.unclassified],
                EXPIRE_AT: expires_after(self._retention_s),
            },
        )

    async def failed(self, event: TicketsFailed) -> None:
        await self._jobs.update(
            {"id": event.session_id, "status": {"$in": list(OPEN)}},
            {
                "status": "failed",
                "completed_at": event.failed_at.isoformat(),
                "error_message": event.error_message,
                EXPIRE_AT: expires_after(self._retention_s),
            },
        )
