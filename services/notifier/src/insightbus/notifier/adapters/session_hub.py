"""Open sockets by session, and fan-out of new messages to them.

Each connection has a bounded queue: a client too slow to keep up is disconnected (it can
resume with ``last_event_id``) rather than slowing the others or growing without bound.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from insightbus.notifier.event_log import LoggedMessage

QUEUE_LIMIT = 1000


@dataclass(eq=False)
class Connection:
    session_id: str
    user_id: str
    queue: asyncio.Queue[LoggedMessage | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    close_code: int | None = None

    def close(self, code: int) -> None:
        """Ask the socket's loop to close with ``code`` (None in the queue wakes it)."""
        if self.close_code is None:
            self.close_code = code
            while True:
                try:
                    self.queue.put_nowait(None)
                    return
                except asyncio.QueueFull:
                    self.queue.get_nowait()  # make room: it is going away anyway


class Hub:
    def __init__(self) -> None:
        self._by_session: dict[str, set[Connection]] = defaultdict(set)

    def add(self, connection: Connection) -> None:
        self._by_session[connection.session_id].add(connection)

    def remove(self, connection: Connection) -> None:
        connections = self._by_session.get(connection.session_id)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del self._by_session[connection.session_id]

    def push(self, message: LoggedMessage) -> None:
        for connection in list(self._by_session.get(message.session_id, ())):
            try:
                connection.queue.put_nowait(message)
            except asyncio.QueueFull:
                connection.close(4008)  # policy: too slow; resume with last_event_id

    def close_session(self, session_id: str, code: int) -> None:
        for connection in list(self._by_session.get(session_id, ())):
            connection.close(code)

    def close_all(self, code: int) -> None:
        for connections in list(self._by_session.values()):
            for connection in list(connections):
                connection.close(code)

    @property
    def connections(self) -> int:
        return sum(len(c) for c in self._by_session.values())
