"""Presence records in the notifier's store, shared by its replicas: one document per open
socket, ``{id: connection id, scope, user_id, client, connected_at, replica, expire_at}``.
Its replica refreshes ``expire_at`` (a TTL index) while the socket is open and deletes the
document when it closes; a document past its ``expire_at`` is read as gone (its replica
died), whether or not the store has purged it yet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from insightbus.common.events import utcnow
from insightbus.common.retention import expires_after, has_expired
from insightbus.common.store import EXPIRE_AT, Collection, DocumentStore, expiry_index
from insightbus.notifier.domain.presence import PresenceEntry

COLLECTION = "presence"


class PresenceStore:
    def __init__(self, collection: Collection, *, ttl_s: float) -> None:
        self._collection = collection
        self._ttl_s = ttl_s

    @classmethod
    async def open(cls, store: DocumentStore, *, ttl_s: float) -> PresenceStore:
        return cls(await store.collection(COLLECTION, [expiry_index()]), ttl_s=ttl_s)

    async def put(self, entries: Sequence[PresenceEntry], replica: str) -> None:
        """Write (or refresh) ``entries``, held by ``replica``, for another ttl."""
        if entries:
            expire_at = expires_after(self._ttl_s)
            await self._collection.replace_many([_doc(e, replica, expire_at) for e in entries])

    async def remove(self, connection_ids: Sequence[str]) -> None:
        if connection_ids:
            await self._collection.delete({"id": {"$in": list(connection_ids)}})

    async def present(self, scopes: Sequence[str]) -> dict[str, dict[str, PresenceEntry]]:
        """The live entries of each scope, by connection id."""
        found: dict[str, dict[str, PresenceEntry]] = {scope: {} for scope in scopes}
        if not scopes:
            return found
        now = utcnow()
        for doc in await self._collection.find({"scope": {"$in": list(scopes)}}):
            if has_expired(doc, now):
                continue
            entry = PresenceEntry(
                connection_id=str(doc["id"]),
                scope=str(doc["scope"]),
                user_id=str(doc["user_id"]),
                client=str(doc.get("client", "")),
                connected_at=str(doc["connected_at"]),
            )
            found.setdefault(entry.scope, {})[entry.connection_id] = entry
        return found


def _doc(entry: PresenceEntry, replica: str, expire_at: datetime) -> dict[str, object]:
    return {
        "id": entry.connection_id,
        "scope": entry.scope,
        "user_id": entry.user_id,
        "client": entry.client,
        "connected_at": entry.connected_at,
        "replica": replica,
        EXPIRE_AT: expire_at,
    }
