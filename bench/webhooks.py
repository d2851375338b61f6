"""Webhook deliveries: how many a second reach a local receiver, and how long after a ticket
job completes its result arrives.

    .venv/bin/python bench/webhooks.py [--jobs 1000] [--users 10] [--tickets 20] [--rate 50]

The notifier runs as in the embedded stack (durable SQLite bus and store in a temp dir,
default webhook settings but for ``webhook_allowed_hosts=["127.0.0.1"]``), served by uvicorn
in this process; the receiver is another process (uvicorn, one worker) on loopback that
answers 200 and records when each delivery arrived. Each of ``--users`` users has one endpoint
subscribed to ``tickets.classified``; each job (a ``TicketsClassified`` envelope with
``--tickets`` classified tickets and a ``callback_url``) makes two deliveries: the endpoint's
and the callback.

1. Burst: ``--jobs`` jobs published at once; deliveries per second from the first publish
   to the last arrival, and completion -> delivery latency under that backlog.
2. Paced: jobs published at ``--rate`` a second for ``--seconds``; completion -> delivery
   latency when the worker keeps up. Latency is from the envelope's time (the job's
   completion) to the receiver's clock on arrival (same machine, same clock).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insightbus.common.auth import TokenCodec, TokenKind  # noqa: E402
from insightbus.common.bus.embedded import EmbeddedBus  # noqa: E402
from insightbus.common.events import Envelope, topics  # noqa: E402
from insightbus.common.events.tickets import ClassifiedTicket, TicketsClassified  # noqa: E402
from insightbus.common.runtime import Process, create_app  # noqa: E402
from insightbus.common.settings import Settings  # noqa: E402
from insightbus.common.store.sqlite import SqliteStore  # noqa: E402
from insightbus.notifier.bootstrap import NotifierService  # noqa: E402
from tests.conftest import free_port  # noqa: E402


class Receiver:
    """The receiving end: 200 to every POST, arrival times and latencies at GET /stats."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.latencies_ms: list[float] = []
        self.ids: set[str] = set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        arrived = time.time()
        if scope["path"] in ("/hook", "/callback"):
            headers = dict(scope["headers"])
            webhook_id = headers[b"webhook-id"].decode()
            if webhook_id not in self.ids:  # what a receiver deduplicating on webhook-id counts
                self.ids.add(webhook_id)
                self.arrivals.append(arrived)
                completed = datetime.fromisoformat(json.loads(body)["timestamp"]).timestamp()
                self.latencies_ms.append((arrived - completed) * 1000)
            answer = b"ok"
        else:
            answer = json.dumps(
                {"arrivals": self.arrivals, "latencies_ms": self.latencies_ms}
            ).encode()
            if scope["path"] == "/reset":
                self.__init__()  # type: ignore[misc]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": answer})


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def job(user: int, n: int, tickets: int, callback_url: str) -> Envelope:
    now = datetime.now(UTC)
    rows = tuple(
        ClassifiedTicket(
            row=i + 1,
            issue_key=f"SUP-{n}-{i}",
            summary="My card payment was declined while travelling abroad",
            category="declined_card_payment",
            priority="high",
            urgency="high",
            impact="medium",
            sentiment="negative",
            confidence_score=0.87,
            sla_due_date=now,
        )
        for i in range(tickets)
    )
    event = TicketsClassified(
        session_id=f"job-{n}",
        user_id=f"user-{user}",
        file_name="tickets.csv",
        callback_url=callback_url,
        started_at=now,
        completed_at=now,
        processing_time_ms=12.0,
        total_tickets=tickets,
        counts_by_category={"declined_card_payment": tickets},
        counts_by_priority={"high": tickets},
        tickets=rows,
    )
    return Envelope.wrap(event, source="classifier")


async def wait_for(receiver: httpx.AsyncClient, count: int, limit_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + limit_s
    while True:
        stats: dict[str, Any] = (await receiver.get("/stats")).json()
        if len(stats["arrivals"]) >= count:
            return stats
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(stats['arrivals'])} of {count} deliveries arrived")
        await asyncio.sleep(0.1)


def latency(stats: dict[str, Any]) -> dict[str, float]:
    values = stats["latencies_ms"]
    return {
        "deliveries": len(values),
        "p50_ms": percentile(values, 0.5),
        "p99_ms": percentile(values, 0.99),
        "max_ms": max(values),
    }


async def run(args: argparse.Namespace, receiver_url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp), jwt_secret="b" * 40, webhook_allowed_hosts=["127.0.0.1"]
        )
        bus = EmbeddedBus(Path(tmp) / "bus.db")
        store = SqliteStore(Path(tmp) / "notifier.db")
        codec = TokenCodec.from_settings(settings)
        service = NotifierService(settings, store, bus, codec)
        app = create_app(
            Process(bus=bus, stores={"notifier": store}, services=[service]), title="n"
        )
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        try:
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as api,
                httpx.AsyncClient(base_url=receiver_url) as receiver,
            ):
                for user in range(args.users):
                    token = codec.issue(f"user-{user}", TokenKind.access)[0]
                    r = await api.post(
                        "/api/v1/webhooks",
                        json={"url": f"{receiver_url}/hook", "events": ["tickets.classified"]},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    assert r.status_code == 201, r.text
                callback = f"{receiver_url}/callback"

                # Warm up: connections, caches.
                await bus.publish_many(
                    topics.TICKETS, [job(u, -u - 1, args.tickets, callback) for u in range(10)]
                )
                await wait_for(receiver, 20, 30)
                await receiver.post("/reset")

                envelopes = [
                    job(n % args.users, n, args.tickets, callback) for n in range(args.jobs)
                ]
                started = time.time()
                for i in range(0, len(envelopes), 100):
                    await bus.publish_many(topics.TICKETS, envelopes[i : i + 100])
                stats = await wait_for(receiver, 2 * args.jobs, 300)
                wall = max(stats["arrivals"]) - started
                burst = {
                    "jobs": args.jobs,
                    "deliveries_per_s": len(stats["arrivals"]) / wall,
                    "seconds": wall,
                    **latency(stats),
                }
                await receiver.post("/reset")

                paced_jobs = int(args.rate * args.seconds)
                begin = time.monotonic()
                for n in range(paced_jobs):
                    await asyncio.sleep(max(0.0, begin + n / args.rate - time.monotonic()))
                    await bus.publish(
                        topics.TICKETS,
                        job(n % args.users, args.jobs + n, args.tickets, callback),
                    )
                stats = await wait_for(receiver, 2 * paced_jobs, 120)
                paced = {"jobs_per_s": args.rate, "jobs": paced_jobs, **latency(stats)}
        finally:
            server.should_exit = True
            await serving
    body_kb = len(job(0, 0, args.tickets, callback).to_bytes()) / 1024
    return {"burst": burst, "paced": paced, "job_envelope_kb": round(body_kb, 1)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=1000, help="jobs in the burst")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--tickets", type=int, default=20, help="classified tickets per job")
    parser.add_argument("--rate", type=float, default=50, help="paced jobs per second")
    parser.add_argument("--seconds", type=float, default=10, help="of paced jobs")
    parser.add_argument("--receiver", type=int, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.receiver:
        config = uvicorn.Config(
            Receiver(),
            host="127.0.0.1",
            port=args.receiver,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
        await uvicorn.Server(config).serve()
        return

    logging.basicConfig(level=logging.WARNING)
    port = free_port()
    receiver = subprocess.Popen([sys.executable, __file__, "--receiver", str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/stats", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        results = await run(args, url)
    finally:
        receiver.terminate()
        receiver.wait(10)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
