"""Ticket classification benchmark of the embedded stack (issue 2/3 targets).

    .venv/bin/python bench/tickets.py [--tickets 10000]

1. Pipeline: one signed CSV of ``--tickets`` realistic tickets (the demo generator's real,
   held-out customer requests) from the upload request to the job reading ``completed`` on
   ``GET /api/tickets/{id}``; tickets per second.
2. Raw classifier: the classifier's domain alone on the same tickets, in this process, one
   batch; tickets per second. The pipeline should reach half of it or more.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insightbus.common.events.tickets import Ticket  # noqa: E402
from insightbus.gateway.adapters.corpus import ticket_requests  # noqa: E402
from insightbus.gateway.domain.tickets.csv_format import parse_tickets  # noqa: E402
from insightbus.gateway.domain.tickets.generator import generate_csv  # noqa: E402
from tests.conftest import start_stack  # noqa: E402

UPLOAD_S: list[float] = []  # how long each upload request took (until its 202)


def sign(secret: str, body: bytes) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), secrets.token_urlsafe(16)
    message = f"{timestamp}.{nonce}.".encode() + body
    signature = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return {"X-Timestamp": timestamp, "X-Nonce": nonce, "X-Signature": signature}


async def one_job(
    client: httpx.AsyncClient, secret: str, body: bytes
) -> tuple[float, dict[str, Any]]:
    """Upload ``body`` and wait until its job has ended: seconds from the upload request to
    seeing it ended, and the job as GET returns it."""
    started = time.perf_counter()
    payload = {"csv_content": base64.b64encode(body).decode(), "file_name": "bench.csv"}
    r = await client.post("/api/tickets/upload", json=payload, headers=sign(secret, body))
    assert r.status_code == 202, r.text
    UPLOAD_S.append(time.perf_counter() - started)
    session_id = r.json()["data"]["session_id"]
    while True:
        # Poll the cheap list view, then read the full job once it has ended.
        r = await client.get("/api/tickets", params={"limit": 1})
        latest = r.json()["data"]["items"][0]
        if latest["session_id"] == session_id and latest["status"] in ("completed", "failed"):
            break
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    return elapsed, dict((await client.get(f"/api/tickets/{session_id}")).json()["data"])


async def pipeline(base_url: str, body: bytes) -> tuple[float, dict[str, object]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        email = f"bench-{time.time_ns()}@example.com"
        await client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": "benchmark-pass", "name": "b"},
        )
        r = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": "benchmark-pass"}
        )
        client.headers["Authorization"] = f"Bearer {r.json()['data']['access_token']}"
        secret = (await client.post("/api/v1/signing-secret")).json()["data"]["signing_secret"]
        # Warm-up: the classifier's workers load their models in the background at start.
        await one_job(client, secret, generate_csv(10, datetime.now(UTC), ticket_requests()))
        elapsed, job = await one_job(client, secret, body)
        assert job["status"] == "completed", job
        return elapsed, job["results"]


def raw_classifier(tickets: list[Ticket]) -> float:
    from insightbus.classifier.domain.classify import TicketClassifier

    classifier = TicketClassifier.load()
    classifier.classify(tickets[:50])  # warm-up
    started = time.perf_counter()
    classifier.classify(tickets)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=10_000)
    args = parser.parse_args()
    body = generate_csv(args.tickets, datetime.now(UTC), ticket_requests())
    tickets = parse_tickets(body, max_rows=args.tickets)

    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp) / "data")
        try:
            elapsed, results = asyncio.run(pipeline(stack.base_url, body))
        finally:
            stack.stop(signal.SIGINT)
    raw = raw_classifier(tickets)
    figures = {
        "tickets": args.tickets,
        "csv_bytes": len(body),
        "pipeline_s": round(elapsed, 2),
        "pipeline_tickets_per_s": round(args.tickets / elapsed),
        "upload_request_s": round(UPLOAD_S[-1], 2),
        "classifier_reported_processing_ms": results["processing_time_ms"],
        "raw_classifier_s": round(raw, 2),
        "raw_classifier_tickets_per_s": round(args.tickets / raw),
        "pipeline_over_raw": round(raw / elapsed, 2),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
