"""What the webhook tests share: fast settings, a client of the API, events to publish."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from insightbus.common.events.analysis import AnalysisCompleted
from insightbus.common.events.tickets import ClassifiedTicket, TicketsClassified, TicketsFailed
from insightbus.common.settings import Settings
from insightbus.common.testing.factories import eventually
from services.notifier.tests.conftest import Live

SCHEDULE = (0.05, 0.05, 0.05)  # three retries, 50 ms apart (+ up to 10 % jitter)


def fast_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "jwt_secret": "y" * 40,
        "webhook_retry_schedule_s": SCHEDULE,
        "webhook_timeout_s": 2.0,
        "webhook_allowed_hosts": ["127.0.0.1"],
        **overrides,
    }
    return Settings(**values)


class Api:
    """The webhook routes as one user calls them."""

    def __init__(self, live: Live, user_id: str) -> None:
        self.user_id = user_id
        self.client = httpx.AsyncClient(
            base_url=live.http, headers={"Authorization": f"Bearer {live.token(user_id)}"}
        )

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.client.aclose()

    async def create(
        self, url: str, events: list[str] | None = None, description: str = ""
    ) -> tuple[dict[str, Any], str]:
        r = await self.client.post(
            "/api/v1/webhooks",
            json={
                "url": url,
                "events": events or ["analysis.complete"],
                "description": description,
            },
        )
        assert r.status_code == 201, r.text
        data = r.json()["data"]
        return data["webhook"], data["secret"]

    async def webhook(self, webhook_id: str) -> dict[str, Any]:
        r = await self.client.get(f"/api/v1/webhooks/{webhook_id}")
        assert r.status_code == 200, r.text
        return dict(r.json()["data"]["webhook"])

    async def deliveries(self, webhook_id: str, **params: Any) -> list[dict[str, Any]]:
        r = await self.client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", params=params)
        assert r.status_code == 200, r.text
        return list(r.json()["data"]["items"])

    async def settled(self, webhook_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The newest delivery, once it is delivered or has failed."""

        async def done() -> dict[str, Any] | None:
            found = await self.deliveries(webhook_id)
            return found[0] if found and found[0]["status"] != "pending" else None

        return await eventually(done, timeout)


def analysis_completed(user_id: str = "u1", session_id: str = "s1") -> AnalysisCompleted:
    return AnalysisCompleted(
        session_id=session_id,
        user_id=user_id,
        content_id="c1",
        emotions=3,
        topics=2,
        insights=1,
        action_items=0,
        duration_ms=12.5,
        model="tfidf-logreg",
    )


def tickets_classified(
    user_id: str = "u1", job_id: str = "job1", callback_url: str | None = None
) -> TicketsClassified:
    now = datetime.now(UTC)
    ticket = ClassifiedTicket(
        row=1,
        issue_key="SUP-1",
        summary="Card declined abroad",
        category="card_not_working",
        priority="high",
        urgency="high",
        impact="medium",
        sentiment="negative",
        confidence_score=0.91,
        sla_due_date=now,
    )
    return TicketsClassified(
        session_id=job_id,
        user_id=user_id,
        file_name="tickets.csv",
        callback_url=callback_url,
        started_at=now,
        completed_at=now,
        processing_time_ms=42.0,
        total_tickets=1,
        counts_by_category={"card_not_working": 1},
        counts_by_priority={"high": 1},
        tickets=(ticket,),
    )


def tickets_failed(
    user_id: str = "u1", job_id: str = "job2", callback_url: str | None = None
) -> TicketsFailed:
    return TicketsFailed(
        session_id=job_id,
        user_id=user_id,
        file_name="broken.csv",
        callback_url=callback_url,
        failed_at=datetime.now(UTC),
        error_message="no 'summary' column",
    )
