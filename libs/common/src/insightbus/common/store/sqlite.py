"""The embedded document store: one SQLite file per service, a table per collection.

Documents are stored as JSON text; filters and indexes use SQLite's JSON functions, so
an index on ``email`` is an expression index on ``json_extract(doc, '$.email')``.

Statements run on the event loop itself. In WAL mode with ``synchronous=NORMAL`` an
indexed read or a single-row write takes microseconds and never waits for the disk
(only checkpoints fsync); handing each one to a thread, as aiosqlite does, costs ten
times the work itself and halved the gateway's request rate (bench/RESULTS.md).
Queries here are all bounded (by id, by index, or with a limit).

Expiry (TTL indexes, see ``port.py``): a TTL field is kept as integer milliseconds since the
epoch (so SQL compares it as a number; reads give the datetime back), the TTL indexes are
recorded in the file (table ``_expiry``), and a task deletes what has expired every
``purge_interval_s``, in chunks, then gives the freed pages back to the file system: a file
created by this version has ``auto_vacuum=INCREMENTAL`` (``sqlite_files``); an older one is
left as it is (a VACUUM of a service's whole data at start is not worth it) and reuses its
free pages instead, so it stays at its high-water mark.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from insightbus.common import sqlite_files
from insightbus.common.periodic import every
from insightbus.common.sqlite_transaction import transaction
from insightbus.common.store.port import (
    Document,
    DuplicateKey,
    Filter,
    Index,
    Sort,
    expiry_value,
)

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_OPERATORS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<=", "$ne": "IS NOT"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_PURGE_CHUNK = 1000  # rows per DELETE: a purge shares the event loop with requests


def _to_ms(field: str, value: Any) -> int | None:
    """A TTL field's time as stored: milliseconds, floored as MongoDB's BSON dates are."""
    checked = expiry_value(field, value)
    return None if checked is None else (checked - _EPOCH) // _MS


def _from_ms(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return _EPOCH + value * _MS
    return value


def _field(path: str) -> str:
    # Paths are interpolated into SQL, so only plain identifiers are allowed.
    if not _PATH.match(path):
        raise ValueError(f"invalid field path: {path!r}")
    return f"json_extract(doc, '$.{path}')"


def _param(value: Any) -> Any:
    if isinstance(value, dict | list):
        raise TypeError("filter values must be scalars")
    return value


def _where(filter: Filter | None, expiring: frozenset[str] = frozenset()) -> tuple[str, list[Any]]:
    if not filter:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    for path, condition in filter.items():
        column = "id" if path == "id" else _field(path)

        def param(value: Any, path: str = path) -> Any:
            return _to_ms(path, value) if path in expiring else _param(value)

        if isinstance(condition, Mapping):
            for op, value in condition.items():
                if op == "$in":
                    values = list(value)
                    if not values:
                        clauses.append("0")
                        continue
                    clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                    params.extend(param(v) for v in values)
                elif op in _OPERATORS:
                    clauses.append(f"{column} {_OPERATORS[op]} ?")
                    params.append(param(value))
                else:
                    raise ValueError(f"unsupported operator: {op}")
        elif condition is None:
            clauses.append(f"{column} IS NULL")
        else:
            clauses.append(f"{column} = ?")  # "=" (not IS) lets SQLite use the indexes
            params.append(param(condition))
    return " WHERE " + " AND ".join(clauses), params


class SqliteCollection:
    def __init__(
        self, db: sqlite3.Connection, name: str, expiring: frozenset[str] = frozenset()
    ) -> None:
        self._db = db
        self._table = f'"c_{name}"'
        self.expiring = expiring  # its TTL fields

    def _dump(self, doc: Document) -> str:
        if self.expiring:
            doc = {k: _to_ms(k, v) if k in self.expiring else v for k, v in doc.items()}
        return json.dumps(doc)

    def _load(self, text: str) -> Document:
        doc: Document = json.loads(text)
        for field in self.expiring:
            if field in doc:
                doc[field] = _from_ms(doc[field])
        return doc

    async def insert(self, doc: Document) -> None:
        try:
            self._db.execute(
                f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)",  # noqa: S608
                (doc["id"], self._dump(doc)),
            )
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def replace(self, doc: Document) -> None:
        try:
            self._db.execute(
                f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)"  # noqa: S608
                " ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                (doc["id"], self._dump(doc)),
            )
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def replace_many(self, docs: Sequence[Document]) -> None:
        # One transaction: per-statement autocommit is most of a small write's cost.
        try:
            with transaction(self._db):
                self._db.executemany(
                    f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)"  # noqa: S608
                    " ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                    [(doc["id"], self._dump(doc)) for doc in docs],
                )
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def insert_new(self, docs: Sequence[Document]) -> set[str]:
        inserted: set[str] = set()
        statement = (
            f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)"  # noqa: S608
            " ON CONFLICT (id) DO NOTHING"
        )
        try:
            with transaction(self._db):
                for doc in docs:
                    if self._db.execute(statement, (doc["id"], self._dump(doc))).rowcount:
                        inserted.add(doc["id"])
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc
        return inserted

    async def insert_prefix(self, docs: Sequence[Document]) -> int:
        statement = f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)"  # noqa: S608
        inserted = 0
        with transaction(self._db):
            for doc in docs:
                try:
                    self._db.execute(statement, (doc["id"], self._dump(doc)))
                except sqlite3.IntegrityError:
                    break
                inserted += 1
        return inserted

    async def get(self, id: str) -> Document | None:
        row = self._db.execute(
            f"SELECT doc FROM {self._table} WHERE id = ?",  # noqa: S608
            (id,),
        ).fetchone()
        return self._load(row[0]) if row else None

    async def find_one(self, filter: Filter) -> Document | None:
        if _by_id_and_plain_fields(filter):
            # The hot path (``{"id": ..., "user_id": ...}``): a primary-key read, the
            # rest compared here rather than through json_extract.
            doc = await self.get(filter["id"])
            if doc is None or any(doc.get(k) != v for k, v in filter.items()):
                return None
            return doc
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
        where, params = _where(filter, self.expiring)
        order = [f"{_field(f)} {'DESC' if d < 0 else 'ASC'}" for f, d in sort if f != "id"]
        order.append("id")  # a stable tie-breaker, so pages never overlap
        sql = f"SELECT doc FROM {self._table}{where} ORDER BY {', '.join(order)}"  # noqa: S608
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        rows = self._db.execute(sql, params).fetchall()
        return [self._load(row[0]) for row in rows]

    async def count(self, filter: Filter | None = None) -> int:
        where, params = _where(filter, self.expiring)
        sql = f"SELECT COUNT(*) FROM {self._table}{where}"  # noqa: S608
        row = self._db.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    async def update(self, filter: Filter, changes: Mapping[str, Any]) -> int:
        if not changes:
            return await self.count(filter)
        if "id" in changes:
            raise ValueError("id cannot change")
        where, params = _where(filter, self.expiring)
        sets = ", ".join(f"'$.{_checked(k)}', json(?)" for k in changes)
        sql = f"UPDATE {self._table} SET doc = json_set(doc, {sets}){where}"  # noqa: S608
        values = [json.dumps(_to_ms(k, v) if k in self.expiring else v) for k, v in changes.items()]
        try:
            cursor = self._db.execute(sql, [*values, *params])
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc
        return cursor.rowcount

    async def increment(
        self, id: str, field: str, *, defaults: Mapping[str, Any] | None = None
    ) -> int:
        path = f"$.{_checked(field)}"
        row = self._db.execute(
            f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)"  # noqa: S608
            " ON CONFLICT (id) DO UPDATE SET"
            " doc = json_set(doc, ?, coalesce(json_extract(doc, ?), 0) + 1)"
            " RETURNING json_extract(doc, ?)",
            (id, self._dump({**(defaults or {}), "id": id, field: 1}), path, path, path),
        ).fetchone()
        return int(row[0])

    async def delete(self, filter: Filter) -> int:
        where, params = _where(filter, self.expiring)
        cursor = self._db.execute(f"DELETE FROM {self._table}{where}", params)  # noqa: S608
        return cursor.rowcount


def _by_id_and_plain_fields(filter: Filter) -> bool:
    return isinstance(filter.get("id"), str) and all(
        "." not in k and isinstance(v, str | int | float) and not isinstance(v, bool)
        for k, v in filter.items()
    )


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"invalid field name: {name!r}")
    return name


class SqliteStore:
    """``path=None`` keeps everything in memory (tests)."""

    def __init__(self, path: Path | None = None, *, purge_interval_s: float = 60.0) -> None:
        self._path = str(path) if path else ":memory:"
        self._purge_interval_s = purge_interval_s
        self._db: sqlite3.Connection | None = None
        self._collections: dict[str, SqliteCollection] = {}
        self._ttl: dict[tuple[str, str], int] = {}  # (collection, field) -> ttl_s
        self._purging: asyncio.Task[None] | None = None

    async def start(self) -> None:
        # Autocommit: every statement is its own transaction, as documents are.
        db = self._db = sqlite_files.connect(self._path)
        db.execute(
            "CREATE TABLE IF NOT EXISTS _expiry"
            " (collection TEXT, field TEXT, ttl_s INTEGER NOT NULL, PRIMARY KEY (collection, field))"
        )
        # Every TTL index of the file, also of collections this process does not open.
        for name, field, ttl_s in db.execute("SELECT collection, field, ttl_s FROM _expiry"):
            self._ttl[(name, field)] = int(ttl_s)
        self._purging = asyncio.create_task(
            every(self._purge_interval_s, self.purge_expired, "purging expired documents"),
            name="store:purge",
        )

    async def close(self) -> None:
        if self._purging is not None:
            self._purging.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purging
            self._purging = None
        if self._db is not None:
            self._db.close()
            self._db = None
        self._collections.clear()
        self._ttl.clear()

    async def healthy(self) -> bool:
        if self._db is None:
            return False
        return self._db.execute("SELECT 1").fetchone() is not None

    async def collection(self, name: str, indexes: Sequence[Index] = ()) -> SqliteCollection:
        cached = self._collections.get(name)
        if cached is not None and not indexes:
            return cached
        db = self._db
        if db is None:
            raise RuntimeError("store not started")
        _checked(name)
        db.execute(
            f'CREATE TABLE IF NOT EXISTS "c_{name}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)'
        )
        for index in indexes:
            columns = ", ".join(_field(f) for f in index.fields)
            index_name = f"{name}__{'__'.join(f.replace('.', '_') for f in index.fields)}"
            unique = "UNIQUE " if index.unique else ""
            db.execute(
                f'CREATE {unique}INDEX IF NOT EXISTS "{index_name}" ON "c_{name}" ({columns})'
            )
            if index.ttl_s is not None:
                field = _checked(index.fields[0])
                db.execute(
                    "INSERT INTO _expiry (collection, field, ttl_s) VALUES (?, ?, ?)"
                    " ON CONFLICT (collection, field) DO UPDATE SET ttl_s = excluded.ttl_s",
                    (name, field, index.ttl_s),
                )
                self._ttl[(name, field)] = index.ttl_s
        expiring = frozenset(field for (c, field) in self._ttl if c == name)
        if cached is not None:
            cached.expiring = expiring
            return cached
        collection = SqliteCollection(db, name, expiring)
        self._collections[name] = collection
        return collection

    async def purge_expired(self, now: datetime | None = None) -> int:
        """Delete what has expired at ``now`` (default: the clock) and give the freed pages
        back; returns how many documents went. The purge task calls it every
        ``purge_interval_s``; a test may call it with a clock of its own."""
        db = self._db
        if db is None:
            raise RuntimeError("store not started")
        now = now or datetime.now(UTC)
        purged = 0
        for (name, field), ttl_s in list(self._ttl.items()):
            cutoff = _to_ms(field, now - timedelta(seconds=ttl_s))
            # A number below the cutoff: a string, null or absent field never matches.
            sql = (
                f'DELETE FROM "c_{name}" WHERE id IN (SELECT id FROM "c_{name}"'  # noqa: S608
                f" WHERE {_field(field)} < ? LIMIT {_PURGE_CHUNK})"
            )
            while True:
                deleted = db.execute(sql, (cutoff,)).rowcount
                purged += deleted
                if deleted < _PURGE_CHUNK:
                    break
                await asyncio.sleep(0)  # let requests in between chunks
        sqlite_files.reclaim(db)  # also what an earlier pass left (it gives back so much)
        return purged
