"""The MongoDB document store (PyMongo's native async API), for the distributed mode.

Documents keep their ``id`` as MongoDB's ``_id``; filters already are MongoDB's, except
that ``id`` is spelled ``_id``. A TTL index is MongoDB's own (``expireAfterSeconds``): the
server's TTL monitor deletes what has expired, about once a minute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReplaceOne, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure, PyMongoError

from insightbus.common.store.port import (
    Document,
    DuplicateKey,
    Filter,
    Index,
    Sort,
    expiry_value,
    ttl_fields,
)

# An index of that name exists with other options (here: another expireAfterSeconds).
_INDEX_CONFLICTS = {85, 86}


def _query(filter: Filter | None) -> dict[str, Any]:
    if not filter:
        return {}
    return {("_id" if k == "id" else k): v for k, v in filter.items()}


def _to_mongo(doc: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if k != "id"}
    out["_id"] = doc["id"]
    return out


def _from_mongo(doc: Mapping[str, Any]) -> Document:
    out = {k: v for k, v in doc.items() if k != "_id"}
    out["id"] = doc["_id"]
    return out


_DUPLICATE_KEY = 11000


def _clashes_on_id(error: Mapping[str, Any]) -> bool:
    """A write error of an existing ``_id`` (not of another unique index)."""
    return error.get("code") == _DUPLICATE_KEY and set(error.get("keyValue") or {"_id": 0}) == {
        "_id"
    }


class MongoCollection:
    def __init__(
        self, collection: AsyncCollection[dict[str, Any]], expiring: frozenset[str] = frozenset()
    ) -> None:
        self._c = collection
        self._expiring = expiring

    def _checked(self, doc: Mapping[str, Any]) -> Mapping[str, Any]:
        """TTL fields hold aware datetimes, as the SQLite store insists too (MongoDB would
        keep anything and silently never expire it)."""
        for field in self._expiring & doc.keys():
            expiry_value(field, doc[field])
        return doc

    async def insert(self, doc: Document) -> None:
        try:
            await self._c.insert_one(_to_mongo(self._checked(doc)))
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def replace(self, doc: Document) -> None:
        try:
            await self._c.replace_one(
                {"_id": doc["id"]}, _to_mongo(self._checked(doc)), upsert=True
            )
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def replace_many(self, docs: Sequence[Document]) -> None:
        if not docs:
            return
        stored = [_to_mongo(self._checked(d)) for d in docs]
        # Inserted first, and only the ones already there replaced: most writes are of new
        # documents, and an insert is cheaper than an upsert (its lookup and update path);
        # on SecantusDB half the cost (bench/RESULTS.md).
        try:
            await self._c.insert_many(stored, ordered=False)
            return
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != _DUPLICATE_KEY for e in errors):
                raise
            # A clash on another unique key may still be the same document (which servers
            # report first varies): the upsert decides.
            there = sorted(e["index"] for e in errors)
        try:
            await self._c.bulk_write(
                [ReplaceOne({"_id": stored[i]["_id"]}, stored[i], upsert=True) for i in there]
            )
        except BulkWriteError as exc:
            raise DuplicateKey(str(exc.details.get("writeErrors", exc))) from exc

    async def insert_new(self, docs: Sequence[Document]) -> set[str]:
        if not docs:
            return set()
        ids = [d["id"] for d in docs]
        try:
            await self._c.insert_many([_to_mongo(self._checked(d)) for d in docs], ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            skipped = {e["index"] for e in errors if _clashes_on_id(e)}
            if len(skipped) != len(errors):
                raise DuplicateKey(str(errors)) from exc
            return {id for i, id in enumerate(ids) if i not in skipped}
        return set(ids)

    async def insert_prefix(self, docs: Sequence[Document]) -> int:
        if not docs:
            return 0
        try:
            # Ordered: the server stops at the first error, so what went in is a prefix.
            await self._c.insert_many([_to_mongo(self._checked(d)) for d in docs], ordered=True)
        except BulkWriteError as exc:
            if any(e.get("code") != _DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
            return int(exc.details.get("nInserted", 0))
        return len(docs)

    async def get(self, id: str) -> Document | None:
        found = await self._c.find_one({"_id": id})
        return _from_mongo(found) if found else None

    async def find_one(self, filter: Filter) -> Document | None:
        found = await self.find(filter, limit=1)
        return found[0] if found else None

    async def find(
        self,
        filter: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Document]:
        order = [(f, DESCENDING if d < 0 else ASCENDING) for f, d in sort if f != "id"]
        order.append(("_id", ASCENDING))  # a stable tie-breaker, as the SQLite store has
        cursor = self._c.find(_query(filter)).sort(order).skip(offset)
        if limit is not None:
            cursor = cursor.limit(limit)
        return [_from_mongo(d) async for d in cursor]

    async def count(self, filter: Filter | None = None) -> int:
        return await self._c.count_documents(_query(filter))

    async def update(self, filter: Filter, changes: Mapping[str, Any]) -> int:
        if "id" in changes:
            raise ValueError("id cannot change")
        if not changes:
            return await self.count(filter)
        self._checked(changes)
        try:
            result = await self._c.update_many(_query(filter), {"$set": dict(changes)})
        except DuplicateKeyError as exc:
            raise DuplicateKey(str(exc)) from exc
        return result.matched_count

    async def increment(
        self, id: str, field: str, *, defaults: Mapping[str, Any] | None = None
    ) -> int:
        created = {k: v for k, v in self._checked(defaults or {}).items() if k not in ("id", field)}
        update: dict[str, Any] = {"$inc": {field: 1}}
        if created:
            update["$setOnInsert"] = created
        for _ in range(2):
            try:
                doc = await self._c.find_one_and_update(
                    {"_id": id}, update, upsert=True, return_document=ReturnDocument.AFTER
                )
                if doc is not None:  # an upsert always returns one
                    return int(doc[field])
            except DuplicateKeyError:
                continue  # two upserts raced to create it: the second now finds it
        raise DuplicateKey(f"could not increment {id}")

    async def delete(self, filter: Filter) -> int:
        result = await self._c.delete_many(_query(filter))
        return result.deleted_count


class MongoStore:
    def __init__(self, url: str, database: str, *, timeout_ms: int = 5000) -> None:
        self._url = url
        self._database = database
        self._timeout_ms = timeout_ms
        self._client: AsyncMongoClient[dict[str, Any]] | None = None

    async def start(self) -> None:
        self._client = AsyncMongoClient(
            self._url, serverSelectionTimeoutMS=self._timeout_ms, tz_aware=True
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def healthy(self) -> bool:
        if self._client is None:
            return False
        try:
            await self._client.admin.command("ping")
        except PyMongoError:
            return False
        return True

    async def collection(self, name: str, indexes: Sequence[Index] = ()) -> MongoCollection:
        if self._client is None:
            raise RuntimeError("store not started")
        database = self._client[self._database]
        collection = database[name]
        for index in indexes:
            if index.ttl_s is not None:
                await _ttl_index(database, name, index.fields[0], index.ttl_s)
                continue
            await collection.create_index(
                [(f, ASCENDING) for f in index.fields],
                unique=index.unique,
                name="__".join(index.fields) + ("__unique" if index.unique else ""),
            )
        return MongoCollection(collection, ttl_fields(indexes))


async def _ttl_index(
    database: AsyncDatabase[dict[str, Any]], name: str, field: str, ttl_s: int
) -> None:
    index_name = f"{field}__ttl"
    try:
        await database[name].create_index(
            [(field, ASCENDING)], name=index_name, expireAfterSeconds=ttl_s
        )
    except OperationFailure as exc:
        if exc.code not in _INDEX_CONFLICTS:
            raise
        # It exists with another TTL: change it in place (no rebuild).
        await database.command(
            "collMod", name, index={"name": index_name, "expireAfterSeconds": ttl_s}
        )
