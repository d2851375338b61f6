"""Per-user sockets: the notifications fan-out, and limits on connections and messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from typing import Any

from insightbus.notifier.domain.sockets import UserSocket


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
