"""Each session's messages, numbered 1, 2, 3... in the order they were logged, for replay.

Several writers may log one session's messages at once: the consumers of the analysis and
the action-items topics, and every notifier replica. A unique index on (session_id, seq)
makes the insert itself claim the numbers; a writer that lost a race reads again and
retries the rest of its messages, still in order. So numbers are unique and have no gaps
(a client that saw 7 and is sent 9 knows 8 exists), and an envelope logged before keeps its
number: a redelivery, or another replica's copy, is answered from the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from insightbus.common.store import Collection, DocumentStore, Index
from insightbus.notifier.domain.messages import Appended, LoggedMessage

COLLECTION = "session_log"
_BEFORE = "session_messages"  # numbered per writer, without the unique index: migrated
_ATTEMPTS = 20  # races lost in a row before giving up (the bus then retries the envelope)


def _message(doc: dict[str, Any]) -> LoggedMessage:
    return LoggedMessage(doc["id"], doc["session_id"], doc["seq"], doc["type"], doc["data"])


def _doc(message: LoggedMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "session_id": message.session_id,
        "seq": message.seq,
        "type": message.type,
        "data": message.data,
    }


class EventLog:
    def __init__(self, collection: Collection) -> None:
        self._collection = collection
        # The last number this process saw per session: a hint that saves a read. When
        # another writer has gone further, the insert clashes and the log is read again.
        self._last_seq: dict[str, int] = {}

    @classmethod
    async def open(cls, store: DocumentStore) -> EventLog:
        log = cls(await store.collection(COLLECTION, [Index(("session_id", "seq"), unique=True)]))
        await log._migrate(await store.collection(_BEFORE, [Index(("session_id", "seq"))]))
        return log

    async def append(
        self, session_id: str, messages: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> Appended:
        """Log ``(envelope id, type, data)`` messages in order, in one round trip when no
        other writer is logging the same session."""
        first_of: dict[str, tuple[str, dict[str, Any]]] = {}
        for envelope_id, type, data in messages:
            first_of.setdefault(envelope_id, (type, data))  # twice in one batch: once
        logged: dict[str, LoggedMessage] = {}
        new: set[str] = set()
        pending = list(first_of)
        for _ in range(_ATTEMPTS):
            if not pending:
                break
            for doc in await self._collection.find({"id": {"$in": pending}}):
                logged[doc["id"]] = _message(doc)
            pending = [id for id in pending if id not in logged]
            if not pending:
                break
            first = await self._next_seq(session_id)
            batch = [
                LoggedMessage(id, session_id, first + i, *first_of[id])
                for i, id in enumerate(pending)
            ]
            inserted = await self._collection.insert_prefix([_doc(m) for m in batch])
            for message in batch[:inserted]:
                logged[message.id] = message
                new.add(message.id)
            pending = pending[inserted:]
            if pending:
                self._last_seq.pop(session_id, None)  # someone else wrote: read the log
            else:
                self._last_seq[session_id] = batch[-1].seq
        else:
            raise RuntimeError(f"session {session_id}: lost {_ATTEMPTS} races to log messages")
        return Appended([logged[id] for id in first_of], frozenset(new))

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
        return await self.after_seq(session_id, after_seq)

    async def after_seq(self, session_id: str, seq: int) -> list[LoggedMessage]:
        docs = await self._collection.find(
            {"session_id": session_id, "seq": {"$gt": seq}}, sort=[("seq", 1)]
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

    async def _migrate(self, before: Collection) -> None:
        """Logs written before the unique numbering could hold one number twice (two topics'
        consumers raced): renumber each session's messages in their logged order. Idempotent
        and deterministic, so replicas starting together may all run it."""
        while True:
            page = await before.find(sort=[("session_id", 1), ("seq", 1)], limit=1)
            if not page:
                return
            session_id = page[0]["session_id"]
            docs = await before.find({"session_id": session_id}, sort=[("seq", 1)])
            migrated = [
                _doc(LoggedMessage(d["id"], session_id, i, d["type"], d["data"]))
                for i, d in enumerate(docs, start=1)
            ]
            if not await self._collection.count({"session_id": session_id}):
                await self._collection.insert_new(migrated)
            await before.delete({"session_id": session_id})
