"""When to try a delivery again. Pure."""

from __future__ import annotations

import random
from collections.abc import Sequence
from email.utils import parsedate_to_datetime

JITTER = 0.1  # up to 10 % later than the schedule, so retries of many deliveries spread out
MAX_RETRY_AFTER_S = 24 * 3600


def backoff(retries: int, schedule: Sequence[float], rng: random.Random) -> float | None:
    """Seconds before the next attempt after ``retries`` failed ones since the delivery
    was (re)started; None once the schedule is spent (the delivery has failed)."""
    if retries >= len(schedule):
        return None
    return schedule[retries] * (1 + JITTER * rng.random())


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), bounded;
    None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
