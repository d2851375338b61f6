"""A housekeeping job run every few seconds for as long as its task lives."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def every(interval_s: float, job: Callable[[], Awaitable[int]], what: str) -> None:
    """Run ``job`` (which returns how many things it removed) every ``interval_s``; a
    failure is logged and the next pass tries again: the task must not die."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            done = await job()
        except Exception:
            log.exception("%s failed; will try again", what)
            continue
        if done:
            log.debug("%s", what, extra={"removed": done})
