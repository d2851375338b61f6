"""The graph's cost: projecting documents' findings, and answering the journey.

    .venv/bin/python bench/graph.py [--docs 200] [--sessions 50]

1. Projection: ``--docs`` documents' worth of findings (a session, 34 emotions, 8 topics, 3
   insights, 2 action items: what a 2 KB document yields), written as the projector writes
   them (one statement per run of events) into a fresh FalkorDB: documents per second, and
   the CPU of this process per document (what the stack's event loop spends on it) and of
   the server.
2. The journey of a user with ``--sessions`` sessions: p50 and p99 over 200 calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insightbus.common.graph import (  # noqa: E402
    ActionItemNode,
    EmotionNode,
    InsightNode,
    SessionNode,
    TopicMention,
)
from insightbus.common.graph.bolt import BoltConfig, BoltGraph  # noqa: E402
from insightbus.common.testing.falkordb import run_falkordb  # noqa: E402
from insightbus.common.testing.processes import children  # noqa: E402

NAMES = ("fear", "joy", "gratitude", "anger", "relief", "nervousness", "pride")
TOPICS = tuple(f"topic {n}" for n in range(20))
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def server_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def falkordb_pid() -> int:
    """This process' FalkorDB (redis-server retitles itself: found as our child)."""
    for pid in children(os.getpid()):
        if b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise RuntimeError("no FalkorDB process found")


async def project(graph: BoltGraph, user: str, n: int) -> None:
    s = SessionNode(f"{user}-s{n}", user, f"Day {n}", T0 + timedelta(days=n))
    c = f"{s.id}-c"
    await graph.put_session(s)
    await graph.put_emotions(
        [
            EmotionNode(f"{s.id}-e{i}", s.id, user, c, NAMES[i % 7], 0.5, float(i), i // 3)
            for i in range(34)
        ]
    )
    await graph.put_topics(
        [TopicMention(s.id, user, c, TOPICS[(n + i) % 20], 0.5) for i in range(8)]
    )
    await graph.put_insights(
        [InsightNode(f"{s.id}-i{i}", s.id, user, c, "pattern", "t", "d", 0.6) for i in range(3)]
    )
    await graph.put_action_items(
        [
            ActionItemNode(f"{s.id}-a{i}", s.id, user, "do", None, "open", None, "analysis", T0, T0)
            for i in range(2)
        ]
    )


async def main(url: str, docs: int, sessions: int) -> dict[str, object]:
    server = falkordb_pid()
    graph = BoltGraph(BoltConfig(url, database="bench"))
    await graph.start()
    try:
        await project(graph, "warm-up", 0)
        cpu, server_before, started = time.process_time(), server_cpu_s(server), time.perf_counter()
        for n in range(docs):
            await project(graph, f"user-{n % 20}", n)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        server_used = server_cpu_s(server) - server_before
        for n in range(sessions):
            await project(graph, "journeyer", n)
        latencies = []
        for _ in range(200):
            t = time.perf_counter()
            journey = await graph.journey("journeyer", sessions=20)
            latencies.append((time.perf_counter() - t) * 1000)
        assert len(journey.sessions) == 20 and journey.recurring_topics
    finally:
        await graph.close()
    latencies.sort()
    return {
        "projection": {
            "documents": docs,
            "docs_per_s": round(docs / elapsed, 1),
            "client_cpu_ms_per_doc": round(cpu / docs * 1000, 2),
            "server_cpu_ms_per_doc": round(server_used / docs * 1000, 2),
        },
        "journey": {
            "sessions_of_the_user": sessions,
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 2),
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=50)
    args = parser.parse_args()
    with run_falkordb() as url:
        print(json.dumps(asyncio.run(main(url, args.docs, args.sessions)), indent=2))
