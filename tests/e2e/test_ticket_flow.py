"""Ticket classification through `insightbus up`: generate, upload, classify, read back,
and the owner's channel hears about it."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing
from datetime import datetime, timedelta

from standardwebhooks import Webhook
from websockets.asyncio.client import connect

from services.notifier.tests.receiver import running_receiver
from tests.conftest import RunningStack
from tests.e2e.flow import generated_ticket_job, signed_up_client, ticket_job_when_ended

PRIORITY_HOURS = {"critical": 4, "high": 8, "medium": 24, "low": 72}


async def test_a_generated_file_is_classified_end_to_end(stack: RunningStack) -> None:
    client, token, user_id = await signed_up_client(stack.base_url)
    async with aclosing(client):
        async with connect(
            f"{stack.ws_url}/api/v1/ws/{user_id}",
            additional_headers={"Authorization": f"Bearer {token}"},
        ) as channel:
            session_id = await generated_ticket_job(client, 120)
            job = await ticket_job_when_ended(client, session_id)
            async with asyncio.timeout(10):
                while not (message := json.loads(await channel.recv()))["type"].startswith(
                    "tickets_"
                ):
                    pass
        assert message["type"] == "tickets_classified", message
        assert message["session_id"] == session_id

        assert job["status"] == "completed", job
        results = job["results"]
        assert results["total_tickets"] == 120
        assert sum(results["counts_by_priority"].values()) == len(job["tickets"])
        assert len(job["tickets"]) + len(job["unclassified"]) == 120
        assert len(results["counts_by_category"]) >= 10  # real, varied requests
        for ticket in job["tickets"]:
            assert 0 <= ticket["confidence_score"] <= 1
            assert ticket["sentiment"] in ("negative", "neutral", "positive")
        # The SLA follows the default policy from each ticket's creation time.
        r = await client.get(f"/api/tickets/{session_id}")
        source = {t["issue_key"]: t for t in r.json()["data"]["tickets"]}
        assert source.keys() == {t["issue_key"] for t in job["tickets"]}
        completed = datetime.fromisoformat(job["completed_at"])
        for ticket in job["tickets"]:
            due = datetime.fromisoformat(ticket["sla_due_date"])
            hours = PRIORITY_HOURS[ticket["priority"]]
            assert completed - timedelta(days=4) < due - timedelta(hours=hours) <= completed


async def test_a_callback_url_gets_the_signed_result(stack: RunningStack) -> None:
    async with running_receiver() as receiver:
        client, _, _ = await signed_up_client(stack.base_url)
        async with aclosing(client):
            r = await client.post("/api/v1/webhooks/callback-secret")
            assert r.status_code == 201, r.text
            secret = r.json()["data"]["secret"]
            session_id = await generated_ticket_job(client, 25, callback_url=receiver.url("/cb"))
            (request,) = await receiver.wait_for(1, "/cb", timeout=60)
        # Any Standard Webhooks verifier accepts it with the user's callback secret.
        payload = Webhook(secret).verify(request.body, request.headers)
        assert payload["event"] == "tickets.classified"
        assert payload["data"]["session_id"] == session_id
        assert payload["data"]["total_tickets"] == 25
        assert "user_id" not in payload["data"] and "callback_url" not in payload["data"]
        assert len(payload["data"]["tickets"]) + len(payload["data"]["unclassified"]) == 25
