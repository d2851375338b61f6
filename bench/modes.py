"""The distributed mode against the embedded default, in the same run (issue 6/8's goal:
within 2x): the session pipeline (uploads of ~2 KB documents by concurrent clients, each
watching its session's socket until ``analysis_complete``) and the ticket pipeline (one
signed job, upload to completed).

    .venv/bin/python bench/modes.py [--docs 100] [--clients 10] [--tickets 2000] [--rounds 3]

Embedded: ``insightbus up``, one process (with its own FalkorDB for the graph).
Distributed: ``insightbus serve`` for each of the four services, over tansu (Kafka
protocol), SecantusDB (MongoDB wire protocol) and a FalkorDB (the graph), all on this
machine, so both modes share its two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pipeline import upload_run  # noqa: E402
from bench.tickets import pipeline as ticket_pipeline  # noqa: E402
from insightbus.common.graph.bolt import BoltConfig  # noqa: E402
from insightbus.common.testing import processes  # noqa: E402
from insightbus.common.testing.falkordb import run_falkordb  # noqa: E402
from insightbus.common.testing.secantus import run_secantus  # noqa: E402
from insightbus.common.testing.tansu import run_tansu  # noqa: E402
from insightbus.gateway.adapters.corpus import ticket_requests  # noqa: E402
from insightbus.gateway.domain.tickets.generator import generate_csv  # noqa: E402
from tests.conftest import STACK_ENV, free_port, graph_env, start_stack  # noqa: E402
from tests.e2e.corpus import documents  # noqa: E402
from tests.e2e.services import service_env, start_service, wait_until  # noqa: E402

SERVICES = ("gateway", "analysis", "classifier", "notifier")
FIGURES = ("docs_per_s", "p50_ms", "p99_ms", "ticket_job_s")


def measure(base: str, ws: str, docs: list[str], clients: int, body: bytes) -> dict[str, float]:
    figures = asyncio.run(upload_run(base, ws, docs[:10], clients))  # warm-up
    before = cpu_by_process()
    figures = asyncio.run(upload_run(base, ws, docs, clients))
    after = cpu_by_process()
    seconds, _ = asyncio.run(ticket_pipeline(base, body))
    # CPU seconds per document of the session pipeline, by process (Linux /proc).
    spent: dict[str, float] = {}
    for pid, (name, cpu) in after.items():
        spent[name] = spent.get(name, 0.0) + cpu - before.get(pid, (name, 0.0))[1]
    per_doc = {f"cpu_ms/{name}": s * 1000 / len(docs) for name, s in spent.items()}
    return {**figures, "ticket_job_s": seconds, **per_doc}


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """Every process started from this one, with its user+system CPU seconds so far."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        cpu = sum(int(f) for f in fields[11:13]) / tick  # utime, stime
        stats[int(entry.name)] = (int(fields[1]), _role(command), cpu)
    mine, found = {os.getpid()}, {}
    for _ in range(4):  # children, grandchildren (model workers), ...
        for pid, (parent, name, cpu) in stats.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                found[pid] = (name, cpu)
    return found


def _role(command: list[bytes]) -> str:
    text = b" ".join(command).decode(errors="replace")
    for name in (*SERVICES, "up"):
        if f"insightbus serve {name}" in text or f"insightbus {name} " in text + " ":
            return "services" if name in SERVICES else "insightbus up"
    for key, name in (
        ("multiprocessing", "model workers"),
        ("tansu", "tansu"),
        ("secantus", "SecantusDB"),
        ("redis-server", "FalkorDB"),
    ):
        if key in text:
            return name
    return "other"


def embedded(tmp: Path, docs: list[str], clients: int, body: bytes) -> dict[str, float]:
    stack = start_stack(tmp / "embedded")
    try:
        return measure(stack.base_url, stack.ws_url, docs, clients, body)
    finally:
        stack.stop(signal.SIGTERM)


def distributed(tmp: Path, docs: list[str], clients: int, body: bytes) -> dict[str, float]:
    with ExitStack() as stack:
        bootstrap = stack.enter_context(run_tansu())
        mongo = stack.enter_context(run_secantus())
        graph = graph_env(BoltConfig(stack.enter_context(run_falkordb()), database="bench"))
        ports = {name: free_port() for name in SERVICES}
        for name in SERVICES:
            env = {**service_env(name, ports[name], tmp / "distributed", bootstrap, mongo)}
            # The embedded stack's settings: default model workers, the benchmark's limit.
            env.pop("INSIGHTBUS_ANALYSIS_WORKERS")
            env.pop("INSIGHTBUS_CLASSIFIER_WORKERS")
            env.update(STACK_ENV)
            env.pop("INSIGHTBUS_GRAPH")  # the graph on, as in the embedded stack
            env.update(graph)
            log = tmp / f"{name}.log"
            process = start_service(name, env, log)
            stack.callback(processes.stop, process)
            wait_until(ports[name], process, log, "/readyz")
        base = f"http://127.0.0.1:{ports['gateway']}"
        ws = f"ws://127.0.0.1:{ports['notifier']}"
        return measure(base, ws, docs, clients, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--tickets", type=int, default=2000)
    # One round is noisy on a small shared machine (the embedded figure alone moved from 8
    # to 14 documents/s between two runs): each round runs both modes, one after the
    # other, and the figures are each mode's median over the rounds.
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    docs = documents(args.docs)
    body = generate_csv(args.tickets, datetime.now(UTC), ticket_requests())
    rounds: dict[str, list[dict[str, float]]] = {"embedded": [], "distributed": []}
    for n in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory() as tmp:
            rounds["embedded"].append(embedded(Path(tmp), docs, args.clients, body))
            rounds["distributed"].append(distributed(Path(tmp), docs, args.clients, body))
        e, d = rounds["embedded"][-1], rounds["distributed"][-1]
        print(
            f"round {n}: embedded {e['docs_per_s']:.1f} docs/s p50 {e['p50_ms']:.0f} ms"
            f" p99 {e['p99_ms']:.0f} ms tickets {e['ticket_job_s']:.1f} s;"
            f" distributed {d['docs_per_s']:.1f} docs/s p50 {d['p50_ms']:.0f} ms"
            f" p99 {d['p99_ms']:.0f} ms tickets {d['ticket_job_s']:.1f} s",
            flush=True,
        )
    e, d = (
        {key: statistics.median(r[key] for r in rounds[mode]) for key in FIGURES}
        for mode in ("embedded", "distributed")
    )
    print(f"medians over {args.rounds} rounds")
    print(f"{'figure':<22}{'embedded':>12}{'distributed':>14}{'ratio':>8}")
    for key, label, worse_if_higher in (
        ("docs_per_s", "documents/s", False),
        ("p50_ms", "p50 ms", True),
        ("p99_ms", "p99 ms", True),
        ("ticket_job_s", f"{args.tickets}-ticket job s", True),
    ):
        ratio = d[key] / e[key] if worse_if_higher else e[key] / d[key]
        print(f"{label:<22}{e[key]:>12.1f}{d[key]:>14.1f}{ratio:>7.2f}x")
    print("(ratio: how many times worse the distributed mode is; goal <= 2x)")
    print("CPU per document of the session pipeline, ms (medians over the rounds):")
    for mode in ("embedded", "distributed"):
        keys = sorted({k for r in rounds[mode] for k in r if k.startswith("cpu_ms/")})
        parts = {
            k.removeprefix("cpu_ms/"): statistics.median(r.get(k, 0.0) for r in rounds[mode])
            for k in keys
        }
        listed = ", ".join(f"{name} {ms:.0f}" for name, ms in sorted(parts.items()))
        print(f"  {mode}: {sum(parts.values()):.0f} in all ({listed})")


if __name__ == "__main__":
    main()
