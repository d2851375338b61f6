"""The document-store port: collections of JSON documents keyed by ``id``.

Kept to what both an embedded SQLite file and MongoDB do well, so that services never
learn which one they run on. Filters are a small subset of MongoDB's query language:
``{"field": value}`` for equality (dotted paths reach into nested documents) and
``{"field": {"$gt" | "$gte" | "$lt" | "$lte" | "$ne" | "$in": value}}``.

Expiry (a TTL index, ``Index((field,), ttl_s=N)``): a document *expires* ``N`` seconds
after the time in ``field``, which holds a timezone-aware ``datetime`` (read back in UTC, to
the millisecond, as MongoDB keeps it) or nothing (``None`` or absent: it never expires).
``EXPIRE_AT`` with ``ttl_s=0`` (``expiry_index()``) is the usual form: each document carries
the moment it may go, and one without it (a job still running) stays.

What the port promises is MongoDB's: an expired document is deleted *eventually*, by a pass
that runs about once a minute (MongoDB's TTL monitor every 60 s, later under load; the SQLite
adapter's purge task every ``purge_interval_s``). Until then it is an ordinary document:
found, counted, and in the way of an insert with its id. So no reader relies on an expired
document being gone; one that must not see it filters on the field itself.

The contract is checked for every adapter by ``libs/common/tests/contract/test_store.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

Document = dict[str, Any]
Filter = Mapping[str, Any]
Sort = Sequence[tuple[str, int]]  # (field, 1 ascending | -1 descending)


class DuplicateKey(Exception):
    """An insert collided with an existing id or a unique index."""


EXPIRE_AT = "expire_at"


@dataclass(frozen=True)
class Index:
    fields: tuple[str, ...]
    unique: bool = False
    # A TTL index (one top-level field): documents expire this long after its time.
    ttl_s: int | None = None

    def __post_init__(self) -> None:
        if self.ttl_s is not None and (len(self.fields) != 1 or "." in self.fields[0]):
            raise ValueError("a TTL index is on one top-level field")
        if self.ttl_s is not None and self.ttl_s < 0:
            raise ValueError("ttl_s must not be negative")


def expiry_index(field: str = EXPIRE_AT) -> Index:
    """Documents go once the time in ``field`` has passed (and never without one)."""
    return Index((field,), ttl_s=0)


def ttl_fields(indexes: Sequence[Index]) -> frozenset[str]:
    """The fields that hold expiry times, which both adapters check on every write."""
    return frozenset(i.fields[0] for i in indexes if i.ttl_s is not None)


def expiry_value(field: str, value: Any) -> datetime | None:
    """``value`` checked as the content of a TTL field: an aware datetime, or None."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{field!r} holds an expiry time: give a datetime, not {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field!r} holds an expiry time: give a timezone-aware datetime")
    return value


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
        """The named collection, created with its indexes if missing. A TTL index takes the
        ``ttl_s`` given here, also when it existed with another."""
