"""Per-user sockets: the notifications fan-out, and limits on connections and messages."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

QUEUE_LIMIT = 256


@dataclass(eq=False)
class UserSocket:
    user_id: str
    authenticated: bool
    queue: asyncio.Queue[dict[str, Any] | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    sent_at: deque[float] = field(default_factory=deque)

    def allow_message(self, per_second: int, now: float | None = None) -> bool:
        """A sliding one-second window of the client's messages."""
        now = time.monotonic() if now is None else now
        while self.sent_at and now - self.sent_at[0] >= 1.0:
            self.sent_at.popleft()
        if len(self.sent_at) >= per_second:
            return False
        self.sent_at.append(now)
        return True


class UserHub:
    def __init__(self, max_connections_per_user: int = 5) -> None:
        self.max_connections_per_user = max_connections_per_user
        self._by_user: dict[str, set[UserSocket]] = defaultdict(set)

    def add(self, socket: UserSocket) -> bool:
        sockets = self._by_user[socket.user_id]
        if len(sockets) >= self.max_connections_per_user:
            if not sockets:
                del self._by_user[socket.user_id]
            return False
        sockets.add(socket)
        return True

    def remove(self, socket: UserSocket) -> None:
        sockets = self._by_user.get(socket.user_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._by_user[socket.user_id]

    def notify(self, user_id: str, message: dict[str, Any]) -> None:
        """Only sockets authenticated as the user get their data."""
        for socket in list(self._by_user.get(user_id, ())):
            if socket.authenticated:
                # A client this far behind misses notifications; the server does not wait.
                with contextlib.suppress(asyncio.QueueFull):
                    socket.queue.put_nowait(message)

    def close_all(self) -> None:
        for sockets in self._by_user.values():
            for socket in sockets:
                try:
                    socket.queue.put_nowait(None)
                except asyncio.QueueFull:
                    socket.queue.get_nowait()
                    socket.queue.put_nowait(None)

    @property
    def connected_users(self) -> int:
        return len(self._by_user)
