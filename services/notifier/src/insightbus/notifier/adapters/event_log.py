"""Each session's messages, persisted in the order they were pushed, for replay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from insightbus.common.store import Collection
from insightbus.notifier.domain.messages import LoggedMessage


def _message(doc: dict[str, Any]) -> LoggedMessage:
    return LoggedMessage(doc["id"], doc["session_id"], doc["seq"], doc["type"], doc["data"])


class EventLog:
    """Appends for one session come one at a time (its events share a partition), so the
    next sequence number can be taken from the last one."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection
        self._last_seq: dict[str, int] = {}

    async def append(
        self, session_id: str, messages: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> list[LoggedMessage]:
        """In one round trip. A redelivered envelope is skipped and leaves a gap in the
        sequence numbers, which only order the messages."""
        first = await self._next_seq(session_id)
        logged = [
            LoggedMessage(envelope_id, session_id, first + i, type, data)
            for i, (envelope_id, type, data) in enumerate(messages)
        ]
        if not logged:
            return []
        inserted = await self._collection.insert_new(
            [
                {"id": m.id, "session_id": session_id, "seq": m.seq, "type": m.type, "data": m.data}
                for m in logged
            ]
        )
        self._last_seq[session_id] = logged[-1].seq
        # An envelope twice in one batch is logged (and returned) once.
        first_of = {m.id: m.seq for m in reversed(logged)}
        return [m for m in logged if m.id in inserted and first_of[m.id] == m.seq]

    async def _next_seq(self, session_id: str) -> int:
        if session_id not in self._last_seq:
            last = await self._collection.find(
                {"session_id": session_id}, sort=[("seq", -1)], limit=1
            )
            self._last_seq[session_id] = int(last[0]["seq"]) if last else 0
        return self._last_seq[session_id] + 1

    async def after(self, session_id: str, last_event_id: str | None) -> list[LoggedMessage]:
        """Everything after ``last_event_id``; everything when it is unknown or None."""
        after_seq = 0
        if last_event_id:
            seen = await self._collection.find_one({"id": last_event_id, "session_id": session_id})
            after_seq = int(seen["seq"]) if seen else 0
        docs = await self._collection.find(
            {"session_id": session_id, "seq": {"$gt": after_seq}}, sort=[("seq", 1)]
        )
        return [_message(d) for d in docs]

    async def recent(
        self, session_ids: list[str], type: str, limit: int = 20
    ) -> list[LoggedMessage]:
        if not session_ids:
            return []
        docs = await self._collection.find(
            {"session_id": {"$in": session_ids}, "type": type}, sort=[("seq", -1)], limit=limit
        )
        return [_message(d) for d in docs]

    async def drop(self, session_id: str) -> None:
        await self._collection.delete({"session_id": session_id})
        self._last_seq.pop(session_id, None)
