"""The embedded document store: one SQLite file per service, a table per collection.

Documents are stored as JSON text; filters and indexes use SQLite's JSON functions, so
an index on ``email`` is an expression index on ``json_extract(doc, '$.email')``.

Statements run on the event loop itself. In WAL mode with ``synchronous=NORMAL`` an
indexed read or a single-row write takes microseconds and never waits for the disk
(only checkpoints fsync); handing each one to a thread, as aiosqlite does, costs ten
times the work itself and halved the gateway's request rate (bench/RESULTS.md).
Queries here are all bounded (by id, by index, or with a limit).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from insightbus.common.sqlite_transaction import transaction
from insightbus.common.store.port import Document, DuplicateKey, Filter, Index, Sort

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_OPERATORS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<=", "$ne": "IS NOT"}


def _field(path: str) -> str:
    # Paths are interpolated into SQL, so only plain identifiers are allowed.
    if not _PATH.match(path):
        raise ValueError(f"invalid field path: {path!r}")
    return f"json_extract(doc, '$.{path}')"


def _param(value: Any) -> Any:
    if isinstance(value, dict | list):
        raise TypeError("filter values must be scalars")
    return value


def _where(filter: Filter | None) -> tuple[str, list[Any]]:
    if not filter:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    for path, condition in filter.items():
        column = "id" if path == "id" else _field(path)
        if isinstance(condition, Mapping):
            for op, value in condition.items():
                if op == "$in":
                    values = list(value)
                    if not values:
                        clauses.append("0")
                        continue
                    clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                    params.extend(_param(v) for v in values)
                elif op in _OPERATORS:
                    clauses.append(f"{column} {_OPERATORS[op]} ?")
                    params.append(_param(value))
                else:
                    raise ValueError(f"unsupported operator: {op}")
        elif condition is None:
            clauses.append(f"{column} IS NULL")
        else:
            clauses.append(f"{column} = ?")  # "=" (not IS) lets SQLite use the indexes
            params.append(_param(condition))
    return " WHERE " + " AND ".join(clauses), params


class SqliteCollection:
    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self._db = db
        self._table = f'"c_{name}"'

    async def insert(self, doc: Document) -> None:
        try:
            self._db.execute(
                f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)",  # noqa: S608
                (doc["id"], json.dumps(doc)),
            )
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(str(exc)) from exc

    async def replace(self, doc: Document) -> None:
        try:
            self._db.execute(
                f"INSERT INTO {self._table} (id, doc) VALUES (?, ?)"  # noqa: S608
                " ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                (doc["id"], json.dumps(doc)),
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
                    [(doc["id"], json.dumps(doc)) for doc in docs],
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
                    if self._db.execute(statement, (doc["id"], json.dumps(doc))).rowcount:
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
                    self._db.execute(statement, (doc["id"], json.dumps(doc)))
                except sqlite3.IntegrityError:
                    break
                inserted += 1
        return inserted

    async def get(self, id: str) -> Document | None:
        row = self._db.execute(
            f"SELECT doc FROM {self._table} WHERE id = ?",  # noqa: S608
            (id,),
        ).fetchone()
        return json.loads(row[0]) if row else None

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
        where, params = _where(filter)
        order = [f"{_field(f)} {'DESC' if d < 0 else 'ASC'}" for f, d in sort if f != "id"]
        order.append("id")  # a stable tie-breaker, so pages never overlap
        sql = f"SELECT doc FROM {self._table}{where} ORDER BY {', '.join(order)}"  # noqa: S608
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        rows = self._db.execute(sql, params).fetchall()
        return [json.loads(row[0]) for row in rows]

    async def count(self, filter: Filter | None = None) -> int:
        where, params = _where(filter)
        sql = f"SELECT COUNT(*) FROM {self._table}{where}"  # noqa: S608
        row = self._db.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    async def update(self, filter: Filter, changes: Mapping[str, Any]) -> int:
        if not changes:
            return await self.count(filter)
        if "id" in changes:
            raise ValueError("id cannot change")
        where, params = _where(filter)
        sets = ", ".join(f"'$.{_checked(k)}', json(?)" for k in changes)
        sql = f"UPDATE {self._table} SET doc = json_set(doc, {sets}){where}"  # noqa: S608
        values = [json.dumps(v) for v in changes.values()]
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
            (id, json.dumps({**(defaults or {}), "id": id, field: 1}), path, path, path),
        ).fetchone()
        return int(row[0])

    async def delete(self, filter: Filter) -> int:
        where, params = _where(filter)
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

    def __init__(self, path: Path | None = None) -> None:
        self._path = str(path) if path else ":memory:"
        self._db: sqlite3.Connection | None = None
        self._collections: dict[str, SqliteCollection] = {}

    async def start(self) -> None:
        # Autocommit: every statement is its own transaction, as documents are.
        self._db = sqlite3.connect(self._path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")

    async def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._collections.clear()

    async def healthy(self) -> bool:
        if self._db is None:
            return False
        return self._db.execute("SELECT 1").fetchone() is not None

    async def collection(self, name: str, indexes: Sequence[Index] = ()) -> SqliteCollection:
        if name in self._collections:
            return self._collections[name]
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
        collection = SqliteCollection(db, name)
        self._collections[name] = collection
        return collection
