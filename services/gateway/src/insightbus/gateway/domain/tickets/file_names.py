"""The name a ticket job's file goes by, when the upload does not give one.

A file from ``POST /api/csv/generate`` keeps the name it was generated under: that name is
made of the generation time and the session id, and the file announces both in its
``# X-Timestamp`` and ``# X-Session-Id`` comment lines. Any other file is named after the
time it was uploaded: ``tickets_<UTC timestamp>.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

_SESSION_ID = re.compile(r"[0-9a-f]{32}")
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def generated_file_name(session_id: str, generated_at: datetime) -> str:
    """The name ``/api/csv/generate`` gives the file it generates."""
    return f"tickets-{generated_at:%Y%m%d-%H%M%S}-{session_id[:8]}.csv"


def uploaded_file_name(uploaded_at: datetime) -> str:
    """The name of an uploaded file that came without one, e.g. tickets_20261201T120000Z.csv."""
    return f"tickets_{uploaded_at.astimezone(UTC):%Y%m%dT%H%M%SZ}.csv"


def default_file_name(comments: Mapping[str, str], uploaded_at: datetime) -> str:
    """The generated name if ``comments`` (the file's leading ``# Name: value`` lines, by
    lower-case name) are those of a generated file, else the upload's."""
    session_id = comments.get("x-session-id", "")
    timestamp = comments.get("x-timestamp", "")
    if _SESSION_ID.fullmatch(session_id) and _UNIX_SECONDS.fullmatch(timestamp):
        try:
            generated_at = datetime.fromtimestamp(int(timestamp), UTC)
        except (OverflowError, OSError, ValueError):
            pass
        else:
            return generated_file_name(session_id, generated_at)
    return uploaded_file_name(uploaded_at)
