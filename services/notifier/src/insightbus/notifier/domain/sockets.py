"""An open socket as the hubs and the socket loops share it: a bounded queue of what to send
(and, on a user's channel, a limit on what the client sends). No I/O."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from insightbus.notifier.domain.messages import LoggedMessage

SESSION_QUEUE_LIMIT = 1000


class Closing(enum.Enum):
    """Why the service closes a socket (the socket entrypoints map each to a close code)."""

    SESSION_DELETED = "session deleted"
    TOO_SLOW = "too slow"
    SHUTDOWN = "shutting down"


USER_QUEUE_LIMIT = 256


@dataclass(eq=False)
class Connection:
    """A session's socket. A client too slow to keep up is disconnected (it can resume with
    ``last_event_id``) rather than slowing the others or growing without bound."""

    session_id: str
    user_id: str
    # A logged message, a notice outside the log (presence: no id, never replayed), or
    # None: close.
    queue: asyncio.Queue[LoggedMessage | dict[str, Any] | None] = field(
        default_factory=lambda: asyncio.Queue(SESSION_QUEUE_LIMIT)
    )
    closing: Closing | None = None

    def notice(self, message: dict[str, Any]) -> None:
        """Queue a message that is not in the session's log (presence)."""
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.close(Closing.TOO_SLOW)

    def close(self, why: Closing) -> None:
        """Ask the socket's loop to close, saying ``why`` (None in the queue wakes it)."""
        if self.closing is None:
            self.closing = why
            while True:
                try:
                    self.queue.put_nowait(None)
                    return
                except asyncio.QueueFull:
                    self.queue.get_nowait()  # make room: it is going away anyway


@dataclass(eq=False)
class UserSocket:
    """A user's channel socket."""

    user_id: str
    authenticated: bool
    queue: asyncio.Queue[dict[str, Any] | None] = field(
        default_factory=lambda: asyncio.Queue(USER_QUEUE_LIMIT)
    )
    sent_at: deque[float] = field(default_factory=deque)

    def notice(self, message: dict[str, Any]) -> None:
        """Queue a message for the socket; a client this far behind misses it."""
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(message)

    def allow_message(self, per_second: int, now: float | None = None) -> bool:
        """A sliding one-second window of the client's messages."""
        now = time.monotonic() if now is None else now
        while self.sent_at and now - self.sent_at[0] >= 1.0:
            self.sent_at.popleft()
        if len(self.sent_at) >= per_second:
            return False
        self.sent_at.append(now)
        return True
