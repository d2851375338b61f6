"""What the SQLite store adds to the port's expiry contract: a purge a caller can drive with
a clock of its own, the purge task that runs it, and a file that does not keep the space."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from insightbus.common.store import expiry_index
from insightbus.common.store.sqlite import SqliteStore
from insightbus.common.testing.factories import eventually

HOUR = timedelta(hours=1)


def size(path: Path) -> int:
    """The database and its write-ahead log, as the disk holds them."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def checkpoint(path: Path) -> None:
    """What SQLite does on its own every 1,000 pages of log: done here to measure now."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def test_a_purge_at_a_given_time_deletes_what_has_expired_by_then() -> None:
    store = SqliteStore(None, purge_interval_s=3600)  # the task stays out of the way
    await store.start()
    try:
        leases = await store.collection("leases", [expiry_index()])
        now = datetime.now(UTC)
        await leases.insert_new([{"id": "in-an-hour", "expire_at": now + HOUR}, {"id": "kept"}])
        assert await store.purge_expired(now) == 0
        assert await leases.count() == 2
        assert await store.purge_expired(now + 2 * HOUR) == 1
        assert [d["id"] for d in await leases.find()] == ["kept"]
    finally:
        await store.close()


async def test_the_purge_task_deletes_expired_documents_on_its_own() -> None:
    store = SqliteStore(None, purge_interval_s=0.05)
    await store.start()
    try:
        leases = await store.collection("leases", [expiry_index()])
        past = datetime.now(UTC) - HOUR
        await leases.insert_new([{"id": f"old-{i}", "expire_at": past} for i in range(2500)])
        await leases.insert({"id": "kept"})

        async def only_kept() -> bool:
            return await leases.count() == 1

        await eventually(only_kept)
        assert await leases.get("kept") == {"id": "kept"}
    finally:
        await store.close()


async def test_a_new_file_gives_the_space_of_what_expired_back(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = SqliteStore(path, purge_interval_s=3600)
    await store.start()
    try:
        leases = await store.collection("leases", [expiry_index()])
        expires = datetime.now(UTC) + HOUR
        blob = os.urandom(2048).hex()  # 4 KiB a document: 20 MiB in all
        for start in range(0, 5000, 500):
            await leases.insert_new(
                [
                    {"id": f"d{i}", "expire_at": expires, "blob": blob}
                    for i in range(start, start + 500)
                ]
            )
        checkpoint(path)
        full = size(path)
        assert full > 20 * 1024 * 1024
        await leases.insert({"id": "kept", "blob": "small"})
        # The purge gives back up to 16 MiB a pass; the next passes the rest.
        assert await store.purge_expired(expires + HOUR) == 5000
        await store.purge_expired(expires + HOUR)
        checkpoint(path)
        assert size(path) < 1024 * 1024, (full, size(path))
        assert await leases.count() == 1
    finally:
        await store.close()


async def test_an_older_file_reuses_the_space_of_what_expired(tmp_path: Path) -> None:
    """A file made before auto_vacuum (tables already there) cannot take it without a
    VACUUM: it keeps its size, and documents written later fill the freed pages."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute('CREATE TABLE "c_leases" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)')
    store = SqliteStore(path, purge_interval_s=3600)
    await store.start()
    try:
        leases = await store.collection("leases", [expiry_index()])
        blob = os.urandom(2048).hex()
        expires = datetime.now(UTC) + HOUR

        async def fill(prefix: str) -> int:
            for start in range(0, 2000, 500):
                await leases.insert_new(
                    [
                        {"id": f"{prefix}{i}", "expire_at": expires, "blob": blob}
                        for i in range(start, start + 500)
                    ]
                )
            checkpoint(path)
            return size(path)

        first = await fill("a")
        assert await store.purge_expired(expires + HOUR) == 2000
        second = await fill("b")
        assert second <= first * 1.05, (first, second)
    finally:
        await store.close()
