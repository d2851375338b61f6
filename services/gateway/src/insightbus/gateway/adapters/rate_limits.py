"""The two rate limiters: in this process's memory, or counted in the shared store.

With one gateway process (the embedded stack) memory is exact and costs nothing. With
replicas each would count alone, and a client would get replicas x the limit: then the
counts live in the store the replicas share, one atomic increment per request (measured
in bench/RESULTS.md), in windows on the wall clock so that every replica agrees on them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

from insightbus.common.store import EXPIRE_AT, Collection, DocumentStore, expiry_index
from insightbus.gateway.domain.rate_limit import Decision, FixedWindowLimiter


class InMemoryLimiter:
    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limiter = FixedWindowLimiter(limit)
        self._clock = clock

    async def hit(self, key: str) -> Decision:
        return self._limiter.hit(key, self._clock())


class SharedLimiter:
    """Fixed windows of ``window_s`` on the wall clock, one counter document per client
    and window, expiring a window after its end; a refused request counts too (what a
    shared INCR counts)."""

    def __init__(
        self,
        store: DocumentStore,
        limit: int,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self.limit = limit
        self._window_s = window_s
        self._clock = clock
        self._counters: Collection | None = None

    async def hit(self, key: str) -> Decision:
        now = self._clock()
        if self._counters is None:  # the store starts after the app is configured
            self._counters = await self._store.collection("rate_limit_windows", [expiry_index()])
        window = math.floor(now / self._window_s)
        ends = (window + 1) * self._window_s
        expire_at = datetime.fromtimestamp(ends + self._window_s, UTC)
        count = await self._counters.increment(
            f"{key}:{window}", "count", defaults={EXPIRE_AT: expire_at}
        )
        return Decision(
            allowed=count <= self.limit,
            limit=self.limit,
            remaining=max(0, self.limit - count),
            reset_after=max(1, math.ceil(ends - now)),
        )
