"""Remembering which envelopes a consumer has applied, so redelivery changes nothing."""

from __future__ import annotations

from insightbus.common.events import utcnow
from insightbus.common.store import Collection, DocumentStore, DuplicateKey


class Inbox:
    def __init__(self, collection: Collection) -> None:
        self._collection = collection

    @classmethod
    async def create(cls, store: DocumentStore) -> Inbox:
        return cls(await store.collection("inbox"))

    async def seen(self, envelope_id: str) -> bool:
        return await self._collection.get(envelope_id) is not None

    async def remember(self, envelope_id: str) -> bool:
        """Record the id; False when it was already there."""
        try:
            await self._collection.insert({"id": envelope_id, "at": utcnow().isoformat()})
        except DuplicateKey:
            return False
        return True
