"""Clock strings -> seconds: ``HH:MM:SS(.mmm)``, ``MM:SS(.mmm)``, SRT's ``HH:MM:SS,mmm``."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,9}))?$")


def parse_clock(value: str) -> float:
    match = _CLOCK.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a timestamp like HH:MM:SS.mmm or MM:SS")
    hours, minutes, seconds, fraction = match.groups()
    if int(minutes) >= 60 or int(seconds) >= 60:
        raise ValueError(f"{value!r} is not a timestamp: minutes and seconds go up to 59")
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return total + (float(f"0.{fraction}") if fraction else 0.0)
