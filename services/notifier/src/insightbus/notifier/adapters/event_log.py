"""Each session's messages, numbered 1, 2, 3... in the order they were logged, for replay.

Several writers may log one session's messages at once: the consumers of the analysis and
the action-items topics, and every notifier replica. A unique index on (session_id, seq)
makes the insert itself claim the numbers; a writer that lost a race reads again and
retries the rest of its messages, still in order. So numbers are unique and have no gaps
(a client that saw 7 and is sent 9 knows 8 exists), and an envelope logged before keeps its
number: a redelivery, or another replica's copy, is answered from the log.

Each process remembers the messages it logged or read lately, and the last number it wrote
per session. Both halves of a notifier (its records and its sockets) log every message, one
after the other, so the second finds it in memory; and the writer of a session's last
number inserts the next without reading first. The common case is one insert per run of
messages and no read (bench/RESULTS.md, the distributed mode).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from cachetools import LRUCache

from insightbus.common.retention import expire_unmarked, expires_after
from insightbus.common.store import EXPIRE_AT, Collection, DocumentStore, Index, expiry_index
from insightbus.notifier.domain.messages import Appended, LoggedMessage

COLLECTION = "session_log"
_BEFORE = "session_messages"  # numbered per writer, without the unique index: migrated
_ATTEMPTS = 20  # races lost in a row before giving up (the bus then retries the envelope)
_REMEMBERED = 10_000  # logged messages kept in memory, the latest


def _message(doc: dict[str, Any]) -> LoggedMessage:
    return LoggedMessage(doc["id"], doc["session_id"], doc["seq"], doc["type"], doc["data"])


def _doc(message: LoggedMessage, retention_s: float) -> dict[str, Any]:
    return {
        "id": message.id,
        "session_id": message.session_id,
        "seq": message.seq,
        "type": message.type,
        "data": message.data,
        EXPIRE_AT: expires_after(retention_s),
    }


class EventLog:
    def __init__(self, collection: Collection, retention_s: float) -> None:
        self._collection = collection
        self._retention_s = retention_s
        # The last number this process saw per session: a hint that saves a read. When
        # another writer has gone further, the insert clashes and the log is read again.
        self._last_seq: dict[str, int] = {}
        # A logged message never changes (a dropped session's are forgotten with it).
        self._known: LRUCache[str, LoggedMessage] = LRUCache(maxsize=_REMEMBERED)
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # per session, while in use

    @classmethod
    async def open(cls, store: DocumentStore, *, retention_s: float) -> EventLog:
        """``retention_s``: how long a message stays for replay. A client away longer reads
        the results over HTTP; one resuming from a message gone is sent what is left."""
        indexes = [Index(("session_id", "seq"), unique=True), expiry_index()]
        log = cls(await store.collection(COLLECTION, indexes), retention_s)
        await log._migrate(await store.collection(_BEFORE, [Index(("session_id", "seq"))]))
        await expire_unmarked(log._collection, retention_s)  # logged before there was one
        return log

    async def append(
        self, session_id: str, messages: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> Appended:
        """Log ``(envelope id, type, data)`` messages in order: one round trip (the insert)
        when this process wrote the session's last message, and nobody wrote since."""
        first_of: dict[str, tuple[str, dict[str, Any]]] = {}
        for envelope_id, type, data in messages:
            first_of.setdefault(envelope_id, (type, data))  # twice in one batch: once
        async with self._writing(session_id):  # this process's two halves, one at a time
            return await self._append(session_id, first_of)

    async def _append(
        self, session_id: str, first_of: dict[str, tuple[str, dict[str, Any]]]
    ) -> Appended:
        logged = {id: self._known[id] for id in first_of if id in self._known}
        new: set[str] = set()
        pending = [id for id in first_of if id not in logged]
        for _ in range(_ATTEMPTS):
            if not pending:
                break
            if session_id not in self._last_seq:
                # Not known to be the tail's writer: another replica, or an earlier life of
                # this one, may have logged some already. (When it is known, an envelope
                # logged elsewhere still clashes on its id, and is read then.)
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
            inserted = await self._collection.insert_prefix(
                [_doc(m, self._retention_s) for m in batch]
            )
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
        self._known.update(logged)
        return Appended([logged[id] for id in first_of], frozenset(new))

    @contextlib.asynccontextmanager
    async def _writing(self, session_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(session_id, (asyncio.Lock(), 0))
        self._locks[session_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[session_id]
            if users == 1:
                del self._locks[session_id]
            else:
                self._locks[session_id] = (lock, users - 1)

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
        for id in [id for id, m in self._known.items() if m.session_id == session_id]:
            del self._known[id]

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
                _doc(LoggedMessage(d["id"], session_id, i, d["type"], d["data"]), self._retention_s)
                for i, d in enumerate(docs, start=1)
            ]
            if not await self._collection.count({"session_id": session_id}):
                await self._collection.insert_new(migrated)
            await before.delete({"session_id": session_id})
