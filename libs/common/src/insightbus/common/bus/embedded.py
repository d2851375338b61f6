"""A durable in-process bus: a partitioned log in SQLite, for the one-process embedded stack.

It keeps Kafka's semantics that services may rely on (see ``port.py``): partitions by key,
consumer groups with committed offsets, at-least-once delivery, dead letters. Events
published before a crash are delivered after the restart.

Like the SQLite store, it runs its (tiny, indexed) statements on the event loop: in WAL
mode they never wait for the disk, and a thread hop per statement would cost more than
the statement.

Retention: every ``prune_interval_s`` the log drops the envelopes that every group reading
their topic has acknowledged *and* that are older than ``retention_s`` (like Kafka's
``retention.ms``, which however waits for no one). An envelope a group has not acknowledged
stays, however old. So a group that subscribes later gets what was published within the
retention, and older envelopes another group has not passed yet. A topic no group reads
(a dead-letter topic nobody watches) keeps its envelopes for the retention. A group that
has not been subscribed for a whole retention is forgotten, as Kafka forgets the offsets of
an empty group (``offsets.retention.minutes``, also 7 days): it no longer holds the log
back, and if it comes back it starts from what the log still holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sqlite3
import time
import zlib
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from insightbus.common import sqlite_files
from insightbus.common.bus.delivery import deliver, deliver_all, drain
from insightbus.common.bus.port import BatchHandler, Handler, Subscription
from insightbus.common.events import Envelope
from insightbus.common.observability import metrics
from insightbus.common.periodic import every
from insightbus.common.sqlite_transaction import transaction

log = logging.getLogger(__name__)

# AUTOINCREMENT: an offset is never reused, even once the newest envelopes were pruned.
# ``at``: when it was published; ``seen_at``: when the group was last subscribed here.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
    offset INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    body BLOB NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS log_by_partition ON log (topic, partition, offset);
CREATE TABLE IF NOT EXISTS offsets (
    grp TEXT NOT NULL,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    committed INTEGER NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (grp, topic, partition)
);
"""

_BATCH = 200
_PRUNE_CHUNK = 2000  # envelopes looked at per statement: pruning shares the event loop
_NO_GROUP = 2**62  # the floor of a topic no group reads: age alone decides
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


def _migrate(db: sqlite3.Connection, now: float) -> None:
    """A log from before retention: its envelopes count as published now (kept a whole
    retention from the upgrade), its groups as seen now. ADD COLUMN with a constant
    default rewrites no row."""
    for table, column in (("log", "at"), ("offsets", "seen_at")):
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in columns:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} REAL NOT NULL DEFAULT {now!r}")


class EmbeddedBus:
    def __init__(
        self,
        path: Path | None = None,
        *,
        partitions: int = 4,
        max_attempts: int = 3,
        backoff_s: float = 0.2,
        retention_s: float = 7 * 24 * 3600,
        prune_interval_s: float = 60.0,
    ) -> None:
        self._path = str(path) if path else ":memory:"
        self._partitions = partitions
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._retention_s = retention_s
        self._prune_interval_s = prune_interval_s
        self._subscriptions: list[Subscription] = []
        self._db: sqlite3.Connection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._pruning: asyncio.Task[None] | None = None
        self._wakeups: dict[str, list[asyncio.Event]] = defaultdict(list)
        self._stopping = False
        # Every (topic, partition) the log may hold: what it held at start, and what was
        # published since (cheaper than asking the log at every prune).
        self._held: set[tuple[str, int]] = set()

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
        db = self._db = sqlite_files.connect(self._path)
        now = time.time()
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'log'").fetchone():
            _migrate(db, now)
            sqlite_files.convert_to_incremental(db, "the bus log")
        db.executescript(_SCHEMA)
        self._held = {
            (str(topic), int(partition))
            for topic, partition in db.execute("SELECT DISTINCT topic, partition FROM log")
        }
        # The groups are registered before anything is pruned: a group new to this log
        # holds back every envelope of its topics until it has read them. (A fan-out
        # subscription holds nothing back: it starts at the end and commits nothing.)
        with transaction(db):
            db.executemany(
                "INSERT INTO offsets (grp, topic, partition, committed, seen_at)"
                " VALUES (?, ?, ?, 0, ?)"
                " ON CONFLICT (grp, topic, partition) DO UPDATE SET seen_at = excluded.seen_at",
                [
                    (sub.group, topic, partition, now)
                    for sub in self._groups()
                    for topic in sub.topics
                    for partition in range(self._partitions)
                ],
            )
        self._pruning = asyncio.create_task(
            every(self._prune_interval_s, self.prune, "pruning the bus log"), name="bus:prune"
        )
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
        if self._pruning is not None:
            self._pruning.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pruning
            self._pruning = None
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
        at = time.time()
        rows = [
            (topic, partition_for(e.key, self._partitions), e.to_bytes(), at) for e in envelopes
        ]
        with transaction(db):  # all or nothing
            db.executemany("INSERT INTO log (topic, partition, body, at) VALUES (?, ?, ?, ?)", rows)
        self._held.update((topic, row[1]) for row in rows)
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

    async def prune(self, now: float | None = None) -> int:
        """Drop what every group has acknowledged and is older than the retention at
        ``now`` (default: the clock), forget groups unseen for as long, and give the space
        back; returns how many envelopes went. The prune task calls it every
        ``prune_interval_s``; a test may call it with a clock of its own."""
        db = self._require_db()
        now = time.time() if now is None else now
        cutoff = now - self._retention_s
        groups = sorted({sub.group for sub in self._groups()})
        with transaction(db):
            db.executemany(
                "UPDATE offsets SET seen_at = ? WHERE grp = ?", [(now, g) for g in groups]
            )
            db.execute("DELETE FROM offsets WHERE seen_at < ?", (cutoff,))
        pruned = 0
        for topic, partition in sorted(self._held):
            floor = self._floor(topic, partition)
            while True:
                # Oldest first, up to the first one still inside the retention.
                rows = db.execute(
                    "SELECT offset, at FROM log WHERE topic = ? AND partition = ? AND offset <= ?"
                    " ORDER BY offset LIMIT ?",
                    (topic, partition, floor, _PRUNE_CHUNK),
                ).fetchall()
                old = list(itertools.takewhile(lambda row: row[1] < cutoff, rows))
                if old:
                    db.execute(
                        "DELETE FROM log WHERE topic = ? AND partition = ? AND offset <= ?",
                        (topic, partition, old[-1][0]),
                    )
                    pruned += len(old)
                if len(old) < _PRUNE_CHUNK:
                    break
                await asyncio.sleep(0)  # let consumers and publishers in between
        sqlite_files.reclaim(db)
        return pruned

    def _groups(self) -> list[Subscription]:
        """The subscriptions whose acknowledgements count: consumer groups, not fan-outs."""
        return [sub for sub in self._subscriptions if not sub.fanout]

    def _floor(self, topic: str, partition: int) -> int:
        """The highest offset of the partition that every group reading the topic has
        acknowledged (0 if one has a partition of it not on record)."""
        db = self._require_db()
        groups, recorded, lowest = db.execute(
            "SELECT COUNT(DISTINCT grp), COUNT(CASE WHEN partition = ? THEN 1 END),"
            " MIN(CASE WHEN partition = ? THEN committed END) FROM offsets WHERE topic = ?",
            (partition, partition, topic),
        ).fetchone()
        if not groups:
            return _NO_GROUP
        return int(lowest) if recorded == groups else 0

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
            "INSERT INTO offsets (grp, topic, partition, committed, seen_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (grp, topic, partition) DO UPDATE SET committed = excluded.committed",
            (group, topic, partition, offset, time.time()),
        )

    def _require_db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("bus not started")
        return self._db
