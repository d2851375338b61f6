"""Fixed-window request counting: N requests per client per minute."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # seconds until the window resets


class FixedWindowLimiter:
    """In memory, per process: with several gateway replicas each counts on its own, so a
    client may get up to replicas x limit. Good enough for fairness; a shared store would be
    needed for a hard quota."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._window = -1
        self._counts: dict[str, int] = {}

    def hit(self, key: str, now: float) -> Decision:
        window = int(now // self.window_s)
        if window != self._window:
            # A new window: forget every old count at once (bounded memory).
            self._window = window
            self._counts = {}
        count = self._counts.get(key, 0) + 1
        allowed = count <= self.limit
        if allowed:
            self._counts[key] = count
        reset_after = max(1, math.ceil((window + 1) * self.window_s - now))
        return Decision(
            allowed, self.limit, max(0, self.limit - min(count, self.limit)), reset_after
        )
