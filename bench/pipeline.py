"""End-to-end benchmark of the embedded stack (issue 1/3 targets).

    .venv/bin/python bench/pipeline.py [--docs 200] [--clients 10]

1. Upload-to-complete: ``--clients`` concurrent clients upload ``--docs`` documents of about
   2 KB (real text: GoEmotions dev comments), each watching its session's WebSocket; latency
   is from the upload request to ``analysis_complete``.
2. Analysis throughput: the analysis domain alone on the same documents, KB of text per CPU
   second on one core.
3. Authenticated ``GET /api/v1/sessions/{id}`` against a bare FastAPI endpoint served the same
   way (uvicorn, one process), under the same load generator: requests per second and ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import load  # noqa: E402
from tests.conftest import free_port, start_stack  # noqa: E402
from tests.e2e.corpus import documents  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def signup(client: httpx.AsyncClient, i: int) -> str:
    email = f"bench-{i}-{time.time_ns()}@example.com"
    await client.post(
        "/api/v1/auth/register", json={"email": email, "password": "benchmark-pass", "name": "b"}
    )
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": "benchmark-pass"})
    return str(r.json()["data"]["access_token"])


async def one_document(
    base: str, ws: str, client: httpx.AsyncClient, token: str, text: str
) -> float:
    r = await client.post("/api/v1/sessions", json={"title": "bench"})
    session_id = r.json()["data"]["session"]["id"]
    async with connect(f"{ws}/api/v1/sessions/{session_id}/events?token={token}") as socket:
        started = time.perf_counter()
        r = await client.post(
            f"/api/v1/sessions/{session_id}/content", files={"file": ("doc.txt", text.encode())}
        )
        assert r.status_code == 202, r.text
        while True:
            message = json.loads(await socket.recv())
            if message["type"] in ("analysis_complete", "analysis_failed"):
                assert message["type"] == "analysis_complete", message
                return time.perf_counter() - started


async def upload_run(base: str, ws: str, docs: list[str], clients: int) -> dict[str, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for d in docs:
        queue.put_nowait(d)

    async def client_loop(i: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            token = await signup(client, i)
            client.headers["Authorization"] = f"Bearer {token}"
            while not queue.empty():
                text = queue.get_nowait()
                latencies.append(await one_document(base, ws, client, token, text))

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(i) for i in range(clients)))
    wall = time.perf_counter() - started
    return {
        "documents": len(latencies),
        "docs_per_s": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.mean(latencies) * 1000,
    }


def analysis_throughput(docs: list[str]) -> dict[str, float]:
    from insightbus.analysis.domain import (
        Block,
        EmotionModel,
        derive_insights,
        detect_emotions,
        extract_topics,
        segment_blocks,
        suggest_action_items,
    )

    # The model the stack runs: INSIGHTBUS_ANALYSIS_EMOTION_MODEL, as in the settings.
    model = EmotionModel.load(prefer=os.environ.get("INSIGHTBUS_ANALYSIS_EMOTION_MODEL", "auto"))  # type: ignore[arg-type]
    kb = sum(len(d.encode()) for d in docs) / 1024
    cpu = time.process_time()
    for text in docs:
        blocks = [Block(p) for p in text.split("\n\n")]
        segments = segment_blocks(blocks)
        emotions = detect_emotions(model, segments)
        topics = extract_topics(segments)
        derive_insights(segments, emotions, topics)
        suggest_action_items(segments)
    seconds = time.process_time() - cpu
    return {
        "model": model.name,
        "kb": kb,
        "cpu_seconds": seconds,
        "kb_per_s_per_core": kb / seconds,
    }


async def gateway_vs_bare(
    base: str, port: int, token: str, session_id: str, seconds: float
) -> dict[str, float]:
    bare_port = free_port()
    bare = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.bare_app:app",
            "--port",
            str(bare_port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{bare_port}/bare/x", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        await load("127.0.0.1", bare_port, "/bare/warmup", seconds=1)
        bare_result = await load("127.0.0.1", bare_port, f"/bare/{session_id}", seconds=seconds)
        headers = {"Authorization": f"Bearer {token}"}
        await load("127.0.0.1", port, f"/api/v1/sessions/{session_id}", headers=headers, seconds=1)
        gateway = await load(
            "127.0.0.1", port, f"/api/v1/sessions/{session_id}", headers=headers, seconds=seconds
        )
    finally:
        bare.send_signal(signal.SIGINT)
        bare.wait(10)
    assert gateway.errors == 0 and bare_result.errors == 0, (gateway, bare_result)
    return {
        "bare_rps": bare_result.rps,
        "gateway_rps": gateway.rps,
        "ratio": gateway.rps / bare_result.rps,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each GET run")
    args = parser.parse_args()

    docs = documents(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("INSIGHTBUS_LOG_LEVEL", "WARNING")
        # The benchmark measures throughput, not the per-user limit: lift it.
        stack = start_stack(
            Path(tmp) / "data",
            {
                "INSIGHTBUS_RATE_LIMIT_PER_MINUTE": "1000000000",
                **json.loads(os.environ.get("BENCH_ENV", "{}")),
            },
        )
        try:
            port = int(stack.base_url.rsplit(":", 1)[1])
            # Warm up: first requests load the model and fill caches.
            await upload_run(stack.base_url, stack.ws_url, docs[:5], 1)
            results = {
                "upload_to_complete": await upload_run(
                    stack.base_url, stack.ws_url, docs, args.clients
                )
            }
            async with httpx.AsyncClient(base_url=stack.base_url) as client:
                token = await signup(client, 999)
                client.headers["Authorization"] = f"Bearer {token}"
                session_id = (await client.post("/api/v1/sessions", json={"title": "x"})).json()[
                    "data"
                ]["session"]["id"]
            results["get_session"] = await gateway_vs_bare(
                stack.base_url, port, token, session_id, args.seconds
            )
        finally:
            stack.stop()
    results["analysis"] = analysis_throughput(docs)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
