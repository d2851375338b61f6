"""Who owns which session, learned from the gateway's session events."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

from insightbus.common.events import utcnow
from insightbus.common.retention import expire_unmarked, expires_after
from insightbus.common.store import EXPIRE_AT, Collection, DocumentStore, expiry_index

COLLECTION = "session_owners"


class Ownership:
    def __init__(self, collection: Collection, *, tombstone_retention_s: float) -> None:
        """``tombstone_retention_s``: how long a deleted session's marker stays, so that a
        late copy of its creation cannot bring it back: as long as the bus may deliver one
        (the inboxes' retention)."""
        self._collection = collection
        self._tombstone_retention_s = tombstone_retention_s
        self._waiters: dict[str, list[asyncio.Event]] = defaultdict(list)
        # Only the notifier's own event handlers change ownership: the records by one
        # replica (the group), and every replica's cache through ``seen`` (the fan-out).
        # So the cache stays true; it saves a read per pushed message.
        self._cache: dict[str, tuple[str | None, bool]] = {}

    async def record(self, session_id: str, user_id: str) -> None:
        doc = {"id": session_id, "user_id": user_id, "deleted": False, "at": utcnow().isoformat()}
        # One round trip for a new session; a redelivered creation changes only a session
        # that is not deleted (it must not resurrect one).
        if not await self._collection.insert_new([doc]):
            changes = {"user_id": user_id, "at": doc["at"]}
            await self._collection.update({"id": session_id, "deleted": False}, changes)
            doc = await self._collection.get(session_id) or doc
        self._cache[session_id] = (str(doc["user_id"]), bool(doc["deleted"]))
        for waiter in self._waiters.pop(session_id, ()):
            waiter.set()

    @classmethod
    async def open(cls, store: DocumentStore, *, tombstone_retention_s: float) -> Ownership:
        collection = await store.collection(COLLECTION, [expiry_index()])
        await expire_unmarked(collection, tombstone_retention_s, {"deleted": True})
        return cls(collection, tombstone_retention_s=tombstone_retention_s)

    async def forget(self, session_id: str, user_id: str) -> None:
        # A tombstone, so that a late SessionCreated cannot bring the session back.
        await self._collection.replace(
            {
                "id": session_id,
                "user_id": user_id,
                "deleted": True,
                "at": utcnow().isoformat(),
                EXPIRE_AT: expires_after(self._tombstone_retention_s),
            }
        )
        self._cache[session_id] = (user_id, True)

    async def seen(self, session_id: str, user_id: str, deleted: bool) -> None:
        """What this replica learns from the fan-out: another replica may be the one that
        records it. Wakes the sockets waiting here for the session to exist."""
        if deleted:
            self._cache[session_id] = (user_id, True)
            return
        cached = self._cache.get(session_id)
        if cached is not None and cached[1]:
            return  # deleted already: a late creation changes nothing
        # Cached and not deleted: a deletion would have come through here before any
        # creation after it (one session's events share a partition, in order).
        doc = None if cached is not None else await self._collection.get(session_id)
        if doc is not None and doc.get("deleted"):
            self._cache[session_id] = (str(doc["user_id"]), True)
            return
        self._cache[session_id] = (user_id, False)
        for waiter in self._waiters.pop(session_id, ()):
            waiter.set()

    async def owner(self, session_id: str) -> tuple[str | None, bool]:
        """(owner, deleted) as far as the notifier knows."""
        cached = self._cache.get(session_id)
        if cached is not None:
            return cached
        doc = await self._collection.get(session_id)
        if doc is None:
            return None, False  # not cached: it may still arrive
        known = (str(doc["user_id"]), bool(doc.get("deleted")))
        self._cache[session_id] = known
        return known

    async def sessions_of(self, user_id: str, limit: int = 50) -> list[str]:
        docs = await self._collection.find({"user_id": user_id, "deleted": False}, limit=limit)
        return [str(d["id"]) for d in docs]

    async def wait_for_owner(self, session_id: str, grace_s: float) -> tuple[str | None, bool]:
        """A client may connect right after creating the session, before its
        session.created event got here: give the event a moment to arrive."""
        waiter = asyncio.Event()
        self._waiters[session_id].append(waiter)
        try:
            owner, deleted = await self.owner(session_id)
            if owner is None and not deleted:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiter.wait(), grace_s)
                owner, deleted = await self.owner(session_id)
            return owner, deleted
        finally:
            waiters = self._waiters.get(session_id)
            if waiters and waiter in waiters:
                waiters.remove(waiter)
                if not waiters:
                    del self._waiters[session_id]
