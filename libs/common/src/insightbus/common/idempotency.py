"""Remembering which envelopes a consumer has applied, so redelivery changes nothing.

An id is kept for ``retention_s`` (``Settings.inbox_retention_s``, 14 days), then expires
(a TTL index): longer than a log keeps an envelope (the embedded bus's retention, Kafka's
``retention.ms``, both 7 days by default), so a group that reads a log again from its start
finds the ids of what it already applied. An envelope that comes again after that is
applied again, which every consumer's derived ids make harmless anyway.
"""

from __future__ import annotations

from insightbus.common.events import utcnow
from insightbus.common.retention import expire_unmarked, expires_after
from insightbus.common.store import EXPIRE_AT, Collection, DocumentStore, DuplicateKey, expiry_index


class Inbox:
    def __init__(self, collection: Collection, *, retention_s: float) -> None:
        self._collection = collection
        self._retention_s = retention_s

    @classmethod
    async def create(
        cls, store: DocumentStore, *, retention_s: float, name: str = "inbox"
    ) -> Inbox:
        collection = await store.collection(name, [expiry_index()])
        await expire_unmarked(collection, retention_s)  # ids an older version remembered
        return cls(collection, retention_s=retention_s)

    async def seen(self, envelope_id: str) -> bool:
        return await self._collection.get(envelope_id) is not None

    async def remember(self, envelope_id: str) -> bool:
        """Record the id; False when it was already there."""
        now = utcnow()
        try:
            await self._collection.insert(
                {
                    "id": envelope_id,
                    "at": now.isoformat(),
                    EXPIRE_AT: expires_after(self._retention_s, now),
                }
            )
        except DuplicateKey:
            return False
        return True
