"""Bounded storage (issue 6/8): 20,000 events and more through ``insightbus up``, with the
embedded log (``bus.db``) and the inboxes measured every 100 ms, from outside.

    .venv/bin/python bench/storage.py [--waves 25] [--per-wave 20] [--retention-s 1]

Each wave uploads ``--per-wave`` documents of about 1 KB (GoEmotions dev comments), each in a
session of its own, 8 clients at a time, and waits until every analysis has completed; a
document is about 40 events (progress, emotions, topics, insights, action items, ...), each
handled by the gateway and the notifier. The retention settings (``bus_retention_s``,
``inbox_retention_s``) are ``--retention-s``, the purge interval a fifth of it (at most the
default minute). Pass ``--retention-s 604800`` (the default week) to see the same run
without pruning. Each sample also checks the retention's rule (``tests/e2e/soak.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insightbus.common.testing.factories import eventually  # noqa: E402
from tests.conftest import start_stack  # noqa: E402
from tests.e2e.soak import (  # noqa: E402
    Retention,
    Sample,
    Soak,
    counters,
    sample,
    soak,
    unhandled,
)

MIB = 1024 * 1024


def report(
    run: Soak, args: argparse.Namespace, settled_s: float, drained: Sample | None
) -> dict[str, object]:
    last = run.samples[-1]
    figures: dict[str, object] = {
        "retention_s": args.retention_s,
        "documents": run.documents,
        "events": int(run.events),
        "seconds": round(run.seconds, 1),
        "events_per_s": round(run.events / run.seconds),
        "mean envelope (bytes)": round(run.envelope_bytes),
        "envelopes published (MiB)": round(run.unpruned_bytes / MIB, 2),
        "peak log rows": run.peak("log_rows"),
        "peak bus.db (MiB)": round(run.peak("bus_db_bytes") / MIB, 2),
        "peak bus.db-wal (MiB)": round(run.peak("bus_wal_bytes") / MIB, 2),
        "after the last wave: log rows, bus.db (MiB)": (
            f"{last.log_rows}, {last.bus_db_bytes / MIB:.2f}"
        ),
        **{
            f"peak {service} inbox (rows / KiB)": (
                f"{run.peak_inbox(service)} / {run.peak_inbox(service, 'bytes') / 1024:.0f}"
            )
            for service in run.ids_written
        },
        **{f"{service} ids written": int(n) for service, n in run.ids_written.items()},
        "every event handled after the last wave (s)": round(settled_s, 2),
        "samples / against the retention's rule": (
            f"{len(run.samples)} / {len(run.against_the_rule())}"
        ),
    }
    if drained is not None:
        figures["once the retention passed: log rows, bus.db (MiB)"] = (
            f"{drained.log_rows}, {drained.bus_db_bytes / MIB:.2f}"
        )
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--waves", type=int, default=25)
    parser.add_argument("--per-wave", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--retention-s", type=float, default=1.0)
    args = parser.parse_args()

    rule = Retention(retention_s=args.retention_s, purge_s=min(args.retention_s / 5, 60))
    env = {
        **rule.env(),
        "INSIGHTBUS_RATE_LIMIT_PER_MINUTE": "1000000000",
        **json.loads(os.environ.get("BENCH_ENV", "{}")),
    }
    drained: Sample | None = None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        stack = start_stack(data, env)
        try:
            run = await soak(
                stack.base_url,
                data,
                waves=args.waves,
                per_wave=args.per_wave,
                clients=args.clients,
                rule=rule,
            )
            started = time.perf_counter()
            async with httpx.AsyncClient(base_url=stack.base_url) as client:

                async def all_handled() -> bool:
                    return not any((await unhandled(client, data)).values())

                await eventually(all_handled, timeout=120, every=0.05)
                published, handled = await counters(client)
            settled_s = time.perf_counter() - started
            if args.retention_s < 30:  # then the log empties once the retention has passed
                await eventually(lambda: sample(data, rule).log_rows == 0, timeout=60)
                drained = sample(data, rule)
            dead = sum(n for g, n in handled.items() if g.endswith(":dead_lettered"))
            assert dead == 0 and not any(n for t, n in published.items() if t.endswith(".dlq"))
        finally:
            stack.stop(signal.SIGINT)
    print("| figure | value |\n| --- | --- |")
    for name, value in report(run, args, settled_s, drained).items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    asyncio.run(main())
