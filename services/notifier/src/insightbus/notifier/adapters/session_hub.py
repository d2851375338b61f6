"""Open sockets by session, and fan-out of new messages to them (each connection has a
bounded queue: see ``domain/sockets.py``)."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from insightbus.notifier.domain.messages import LoggedMessage
from insightbus.notifier.domain.sockets import Closing, Connection


class SessionHub:
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
                connection.close(Closing.TOO_SLOW)  # it resumes with last_event_id

    def close_session(self, session_id: str, why: Closing) -> None:
        for connection in list(self._by_session.get(session_id, ())):
            connection.close(why)

    def close_all(self, why: Closing) -> None:
        for connections in list(self._by_session.values()):
            for connection in list(connections):
                connection.close(why)

    @property
    def connections(self) -> int:
        return sum(len(c) for c in self._by_session.values())
