"""What the shared rate limit costs per request: one atomic increment in the store the
gateway replicas share (SecantusDB standing in for MongoDB), against the in-memory limiter.

    .venv/bin/python bench/rate_limit.py
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid

from insightbus.common.store.mongo import MongoStore
from insightbus.common.testing.secantus import run_secantus
from insightbus.gateway.adapters.rate_limits import InMemoryLimiter, SharedLimiter
from insightbus.gateway.app.ports import RateLimiter

HITS = 2_000


async def timed(limiter: RateLimiter) -> list[float]:
    samples = []
    for i in range(HITS):
        started = time.perf_counter()
        await limiter.hit(f"user:{i % 50}")
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    q = statistics.quantiles(samples, n=100)
    print(f"{name:<28} p50 {q[49]:.3f} ms  p99 {q[98]:.3f} ms  ({len(samples)} hits)")


async def main(url: str) -> None:
    report("in memory (one process)", await timed(InMemoryLimiter(10**9)))
    store = MongoStore(url, f"bench_{uuid.uuid4().hex[:8]}")
    await store.start()
    try:
        report("shared (SecantusDB)", await timed(SharedLimiter(store, 10**9)))
    finally:
        await store.close()


if __name__ == "__main__":
    with run_secantus() as url:
        asyncio.run(main(url))
