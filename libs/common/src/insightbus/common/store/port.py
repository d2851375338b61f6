"""The document-store port: collections of JSON documents keyed by ``id``.

Kept to what both an embedded SQLite file and MongoDB do well, so that services never
learn which one they run on. Filters are a small subset of MongoDB's query language:
``{"field": value}`` for equality (dotted paths reach into nested documents) and
``{"field": {"$gt" | "$gte" | "$lt" | "$lte" | "$ne" | "$in": value}}``.

The contract is checked for every adapter by ``libs/common/tests/contract/test_store.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Document = dict[str, Any]
Filter = Mapping[str, Any]
Sort = Sequence[tuple[str, int]]  # (field, 1 ascending | -1 descending)


class DuplicateKey(Exception):
    """An insert collided with an existing id or a unique index."""


@dataclass(frozen=True)
class Index:
    fields: tuple[str, ...]
    unique: bool = False


class Collection(Protocol):
    async def insert(self, doc: Document) -> None:
        """Insert a new document (must have a string ``id``); raises ``DuplicateKey``."""

    async def replace(self, doc: Document) -> None:
        """Insert or fully replace the document with ``doc["id"]``."""

    async def replace_many(self, docs: Sequence[Document]) -> None:
        """``replace`` for each, in one round trip (one transaction where the store has them):
        what a consumer writes for a batch of events."""

    async def insert_new(self, docs: Sequence[Document]) -> set[str]:
        """Insert those whose id is not stored yet, in one round trip; returns their ids.
        An existing id is skipped (a redelivery); a clash on another unique index raises
        ``DuplicateKey``."""

    async def insert_prefix(self, docs: Sequence[Document]) -> int:
        """Insert ``docs`` in order, stopping at the first that clashes with a stored id or
        unique key; returns how many were inserted (always a prefix of ``docs``). An
        append-only log claims its next positions this way: a writer that lost the race
        for a position reads the log again and retries the rest, still in order."""

    async def get(self, id: str) -> Document | None: ...

    async def find_one(self, filter: Filter) -> Document | None: ...

    async def find(
        self,
        filter: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Document]: ...

    async def count(self, filter: Filter | None = None) -> int: ...

    async def update(self, filter: Filter, changes: Mapping[str, Any]) -> int:
        """Set top-level fields on every matching document, atomically per document.

        Returns how many matched; a filter on the current value makes this a
        compare-and-set (e.g. spend a refresh token only once).
        """

    async def increment(
        self, id: str, field: str, *, defaults: Mapping[str, Any] | None = None
    ) -> int:
        """Add 1 to the number ``field`` of document ``id`` and return the new value, in one
        atomic step however many processes share the store; a missing document is created
        with ``defaults`` and ``field`` = 1 (a counter shared by replicas)."""

    async def delete(self, filter: Filter) -> int:
        """Delete every matching document; returns how many."""


class DocumentStore(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def healthy(self) -> bool: ...

    async def collection(self, name: str, indexes: Sequence[Index] = ()) -> Collection:
        """The named collection, created with its indexes if missing."""
