"""A durable in-process bus: a partitioned log in SQLite, for the one-process embedded stack.

It keeps Kafka's semantics that services may rely on (see ``port.py``): partitions by key,
consumer groups with committed offsets, at-least-once delivery, dead letters. Events
published before a crash are delivered after the restart.

Like the SQLite store, it runs its (tiny, indexed) statements on the event loop: in WAL
mode they never wait for the disk, and a thread hop per statement would cost more than
the statement.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from insightbus.common.bus.delivery import deliver, deliver_all, drain
from insightbus.common.bus.port import BatchHandler, Handler, Subscription
from insightbus.common.events import Envelope
from insightbus.common.observability import metrics
from insightbus.common.sqlite_transaction import transaction

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
_STOP_GRACE_S = 30.0  # how long stop() waits for handlers in flight
_PAUSE_S = 1.0  # after a database error, before trying again


def _readable(offset: int, body: bytes) -> Envelope | None:
    try:
        return Envelope.from_bytes(body)
    except ValueError:
        log.exception("unreadable envelope skipped", extra={"offset": offset})
        return None


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
        self._db: sqlite3.Connection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._wakeups: dict[str, list[asyncio.Event]] = defaultdict(list)
        self._stopping = False

    def subscribe(
        self,
        group: str,
        topics: Sequence[str],
        handler: Handler,
        batch_handler: BatchHandler | None = None,
        *,
        fanout: bool = False,
    ) -> None:
        if self._db is not None:
            raise RuntimeError("subscribe before start")
        self._subscriptions.append(
            Subscription(group, tuple(topics), handler, batch_handler, fanout)
        )

    async def start(self) -> None:
        self._stopping = False
        self._db = sqlite3.connect(self._path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        for sub in self._subscriptions:
            for topic in sub.topics:
                for partition in range(self._partitions):
                    wakeup = asyncio.Event()
                    self._wakeups[topic].append(wakeup)
                    # A fan-out subscription starts at the end (now, not when its task
                    # first runs) and keeps its position in memory.
                    start = self._end(topic, partition) if sub.fanout else None
                    self._tasks.append(
                        asyncio.create_task(
                            self._consume(sub, topic, partition, wakeup, start),
                            name=f"bus:{sub.group}:{topic}:{partition}",
                        )
                    )

    async def stop(self) -> None:
        self._stopping = True
        for wakeups in self._wakeups.values():
            for wakeup in wakeups:
                wakeup.set()
        await drain(self._tasks, _STOP_GRACE_S)
        self._wakeups.clear()
        if self._db is not None:
            self._db.close()
            self._db = None

    async def healthy(self) -> bool:
        # A consumer task only ends on stop: one that ended early has died.
        return self._db is not None and not any(task.done() for task in self._tasks)

    async def publish(self, topic: str, envelope: Envelope) -> None:
        await self.publish_many(topic, [envelope])

    async def publish_many(self, topic: str, envelopes: Sequence[Envelope]) -> None:
        db = self._require_db()
        rows = [(topic, partition_for(e.key, self._partitions), e.to_bytes()) for e in envelopes]
        with transaction(db):  # all or nothing
            db.executemany("INSERT INTO log (topic, partition, body) VALUES (?, ?, ?)", rows)
        metrics.EVENTS_PUBLISHED.labels(topic).inc(len(rows))
        for wakeup in self._wakeups.get(topic, ()):
            wakeup.set()

    async def _consume(
        self,
        sub: Subscription,
        topic: str,
        partition: int,
        wakeup: asyncio.Event,
        start: int | None,
    ) -> None:
        db = self._require_db()
        committed = self._committed(sub.group, topic, partition) if start is None else start
        while not self._stopping:
            # Clear before reading: a publish that lands after the read sets it again.
            wakeup.clear()
            rows = db.execute(
                "SELECT offset, body FROM log WHERE topic = ? AND partition = ? AND offset > ?"
                " ORDER BY offset LIMIT ?",
                (topic, partition, committed, _BATCH),
            ).fetchall()
            if not rows:
                await wakeup.wait()
                continue
            if sub.batch_handler is not None:
                handled = await self._handle_batch(sub, topic, rows)
                if handled is None:
                    await asyncio.sleep(_PAUSE_S)
                    continue
            else:
                handled = await self._handle_each(sub, topic, rows, committed)
            if handled != committed and sub.fanout:
                committed = handled
            elif handled != committed:
                # One commit per batch: a crash mid-batch redelivers what was handled
                # since (handlers are idempotent); a write per envelope was most of the
                # bus's cost. A clean stop commits what it handled, so nothing repeats.
                try:
                    self._commit(sub.group, topic, partition, handled)
                except sqlite3.Error:
                    log.exception(
                        "offset commit failed; will redeliver", extra={"group": sub.group}
                    )
                    await asyncio.sleep(_PAUSE_S)
                    continue
                committed = handled

    async def _handle_batch(
        self, sub: Subscription, topic: str, rows: list[tuple[int, bytes]]
    ) -> int | None:
        """All the rows in one delivery; the last offset, or None if it must be read again."""
        envelopes = [e for offset, body in rows if (e := _readable(offset, body)) is not None]
        try:
            await deliver_all(
                sub,
                envelopes,
                topic=topic,
                publish=self.publish,
                max_attempts=self._max_attempts,
                backoff_s=self._backoff_s,
            )
        except sqlite3.Error:
            log.exception("delivery failed; will retry", extra={"group": sub.group})
            return None
        return int(rows[-1][0])

    async def _handle_each(
        self, sub: Subscription, topic: str, rows: list[tuple[int, bytes]], committed: int
    ) -> int:
        """The rows one by one; the offset of the last one handled."""
        handled = committed
        for offset, body in rows:
            try:
                await self._handle(sub, topic, offset, body)
            except sqlite3.Error:
                # Dead-lettering failed: read again from this envelope after a pause,
                # rather than skip it or let the task die.
                log.exception(
                    "delivery failed; will retry",
                    extra={"group": sub.group, "topic": topic, "offset": offset},
                )
                await asyncio.sleep(_PAUSE_S)
                break
            handled = offset
            if self._stopping:
                break
        return handled

    async def _handle(self, sub: Subscription, topic: str, offset: int, body: bytes) -> None:
        envelope = _readable(offset, body)
        if envelope is None:
            return
        await deliver(
            sub.handler,
            envelope,
            topic=topic,
            group=sub.group,
            publish=self.publish,
            max_attempts=self._max_attempts,
            backoff_s=self._backoff_s,
        )

    def _committed(self, group: str, topic: str, partition: int) -> int:
        row = (
            self._require_db()
            .execute(
                "SELECT committed FROM offsets WHERE grp = ? AND topic = ? AND partition = ?",
                (group, topic, partition),
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def _end(self, topic: str, partition: int) -> int:
        row = (
            self._require_db()
            .execute(
                "SELECT MAX(offset) FROM log WHERE topic = ? AND partition = ?", (topic, partition)
            )
            .fetchone()
        )
        return int(row[0]) if row and row[0] is not None else 0

    def _commit(self, group: str, topic: str, partition: int, offset: int) -> None:
        self._require_db().execute(
            "INSERT INTO offsets (grp, topic, partition, committed) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (grp, topic, partition) DO UPDATE SET committed = excluded.committed",
            (group, topic, partition, offset),
        )

    def _require_db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("bus not started")
        return self._db
