"""A durable in-process bus: a partitioned log in SQLite, for the one-process embedded stack.

It keeps Kafka's semantics that services may rely on (see ``port.py``): partitions by key,
consumer groups with committed offsets, at-least-once delivery, dead letters. Events
published before a crash are delivered after the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from insightbus.common.bus.delivery import deliver
from insightbus.common.bus.port import Handler, Subscription
from insightbus.common.events import Envelope
from insightbus.common.observability import metrics

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS log_by_partition ON log (topic, partition, offset);
CREATE TABLE IF NOT EXISTS offsets (
    grp TEXT NOT NULL,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    committed INTEGER NOT NULL,
    PRIMARY KEY (grp, topic, partition)
);
"""

_BATCH = 200


def partition_for(key: str, partitions: int) -> int:
    """Stable across processes and restarts (unlike ``hash``)."""
    return zlib.crc32(key.encode()) % partitions


class EmbeddedBus:
    def __init__(
        self,
        path: Path | None = None,
        *,
        partitions: int = 4,
        max_attempts: int = 3,
        backoff_s: float = 0.2,
    ) -> None:
        self._path = str(path) if path else ":memory:"
        self._partitions = partitions
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._subscriptions: list[Subscription] = []
        self._db: aiosqlite.Connection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._wakeups: dict[str, list[asyncio.Event]] = defaultdict(list)
        self._write_lock = asyncio.Lock()

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        if self._db is not None:
            raise RuntimeError("subscribe before start")
        self._subscriptions.append(Subscription(group, tuple(topics), handler))

    async def start(self) -> None:
        self._db = await aiosqlite.connect(self._path)
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA synchronous=NORMAL")
        await self._db.executescript(_SCHEMA)
        await self._db.commit()
        for sub in self._subscriptions:
            for topic in sub.topics:
                for partition in range(self._partitions):
                    wakeup = asyncio.Event()
                    self._wakeups[topic].append(wakeup)
                    self._tasks.append(
                        asyncio.create_task(
                            self._consume(sub, topic, partition, wakeup),
                            name=f"bus:{sub.group}:{topic}:{partition}",
                        )
                    )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._wakeups.clear()
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def healthy(self) -> bool:
        return self._db is not None

    async def publish(self, topic: str, envelope: Envelope) -> None:
        await self.publish_many(topic, [envelope])

    async def publish_many(self, topic: str, envelopes: Sequence[Envelope]) -> None:
        db = self._require_db()
        rows = [(topic, partition_for(e.key, self._partitions), e.to_bytes()) for e in envelopes]
        async with self._write_lock:
            await db.executemany("INSERT INTO log (topic, partition, body) VALUES (?, ?, ?)", rows)
            await db.commit()
        metrics.EVENTS_PUBLISHED.labels(topic).inc(len(rows))
        for wakeup in self._wakeups.get(topic, ()):
            wakeup.set()

    async def _consume(
        self, sub: Subscription, topic: str, partition: int, wakeup: asyncio.Event
    ) -> None:
        db = self._require_db()
        committed = await self._committed(sub.group, topic, partition)
        while True:
            # Clear before reading: a publish that lands after the read sets it again.
            wakeup.clear()
            async with db.execute(
                "SELECT offset, body FROM log WHERE topic = ? AND partition = ? AND offset > ?"
                " ORDER BY offset LIMIT ?",
                (topic, partition, committed, _BATCH),
            ) as cursor:
                rows = list(await cursor.fetchall())
            if not rows:
                await wakeup.wait()
                continue
            for offset, body in rows:
                try:
                    envelope = Envelope.from_bytes(body)
                except ValueError:
                    log.exception("unreadable envelope skipped", extra={"offset": offset})
                else:
                    await deliver(
                        sub.handler,
                        envelope,
                        topic=topic,
                        group=sub.group,
                        publish=self.publish,
                        max_attempts=self._max_attempts,
                        backoff_s=self._backoff_s,
                    )
                committed = offset
                # Commit per envelope: a handler that is slow or fails must not make
                # its neighbours in the batch run again after a restart.
                await self._commit(sub.group, topic, partition, committed)

    async def _committed(self, group: str, topic: str, partition: int) -> int:
        async with self._require_db().execute(
            "SELECT committed FROM offsets WHERE grp = ? AND topic = ? AND partition = ?",
            (group, topic, partition),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _commit(self, group: str, topic: str, partition: int, offset: int) -> None:
        db = self._require_db()
        async with self._write_lock:
            await db.execute(
                "INSERT INTO offsets (grp, topic, partition, committed) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (grp, topic, partition) DO UPDATE SET committed = excluded.committed",
                (group, topic, partition, offset),
            )
            await db.commit()

    def _require_db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("bus not started")
        return self._db
