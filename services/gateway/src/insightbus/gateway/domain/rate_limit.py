"""Fixed-window request counting: at most ``limit`` requests per client per window.

Each client's window starts at its first request (not on a shared clock tick), so clients
do not all get their allowance back at the same instant. Pure: the caller passes the time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # whole seconds until the client's window resets (>= 1)


class FixedWindowLimiter:
    """In memory, so per process (the embedded stack); replicas share a counter in the
    store instead (``adapters/rate_limits.py``)."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("limit and window must be positive")
        self.limit = limit
        self.window_s = window_s
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, count)
        self._next_sweep = 0.0

    def hit(self, key: str, now: float) -> Decision:
        """Count one request by ``key`` at ``now`` (seconds) and say whether it may pass."""
        if now >= self._next_sweep:
            self._sweep(now)
        started, count = self._windows.get(key, (now, 0))
        if now - started >= self.window_s:
            started, count = now, 0
        allowed = count < self.limit
        if allowed:
            count += 1
        # Refused requests are not counted: a client hammering while blocked is not
        # punished beyond the window it already used up.
        self._windows[key] = (started, count)
        reset_after = max(1, math.ceil(started + self.window_s - now))
        return Decision(allowed, self.limit, self.limit - count, reset_after)

    def __len__(self) -> int:
        return len(self._windows)

    def _sweep(self, now: float) -> None:
        # Forget clients whose window has ended, once per window: memory stays bounded by
        # the clients seen in the last two windows, at O(clients) per minute.
        self._windows = {
            key: window for key, window in self._windows.items() if now - window[0] < self.window_s
        }
        self._next_sweep = now + self.window_s
