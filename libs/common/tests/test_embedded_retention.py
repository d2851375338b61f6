"""The embedded bus's retention: what a prune drops and what it must keep, seen the way a
consumer sees the log (what a group subscribing afterwards receives), and the file's size.

Prunes run with a clock of the test's own (``prune(now=...)``): "a week later" is a number,
not a wait. Each test that must show nothing more arrives publishes a last envelope and
waits for it, as the contract suite does.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.events import Envelope
from insightbus.common.testing.factories import eventually

RETENTION_S = 3600.0
LATER = RETENTION_S + 60  # from now, past the retention of what is published now
TOPIC = "test.retention"


def envelope(n: int, key: str = "k", size: int = 0) -> Envelope:
    return Envelope(
        type="test.happened", version=1, source="tests", key=key, data={"n": n, "pad": "x" * size}
    )


class Got:
    def __init__(self) -> None:
        self.numbers: list[int] = []
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, e: Envelope) -> None:
        await self.release.wait()
        self.numbers.append(int(e.data["n"]))


Make = Callable[..., EmbeddedBus]


@pytest.fixture
async def make(tmp_path: Path) -> AsyncIterator[Make]:
    """Buses on one file (each call: a new process's bus), stopped at the end."""
    made: list[EmbeddedBus] = []

    def factory(**subscriptions: Got) -> EmbeddedBus:
        bus = EmbeddedBus(
            tmp_path / "bus.db",
            partitions=2,
            backoff_s=0.01,
            retention_s=RETENTION_S,
            prune_interval_s=3600,  # the test prunes, with its own clock
        )
        for group, handler in subscriptions.items():
            bus.subscribe(group, [TOPIC], handler)
        made.append(bus)
        return bus

    yield factory
    for bus in made:
        await bus.stop()


async def late_group_gets(make: Make) -> list[int]:
    """What a group new to the log receives of it (up to a marker published now)."""
    got = Got()
    bus = make(**{f"late-{time.monotonic_ns()}": got})
    await bus.start()
    await bus.publish(TOPIC, envelope(999))
    await eventually(lambda: 999 in got.numbers)
    await bus.stop()
    return got.numbers[:-1]


async def test_what_every_group_acknowledged_goes_after_the_retention_and_not_before(
    make: Make,
) -> None:
    fast, slow = Got(), Got()
    bus = make(fast=fast, slow=slow)
    await bus.start()
    slow.release.clear()  # "slow" takes 0 and holds it: it acknowledges nothing
    await bus.publish_many(TOPIC, [envelope(n) for n in range(6)])
    await eventually(lambda: fast.numbers == list(range(6)))

    # However old: "slow" is subscribed and has acknowledged nothing.
    assert await bus.prune(now=time.time() + 100 * RETENTION_S) == 0
    slow.release.set()
    await eventually(lambda: slow.numbers == list(range(6)))
    await bus.stop()  # commits what each group handled

    again = make(fast=Got(), slow=Got())
    await again.start()
    assert await again.prune(now=time.time()) == 0, "acknowledged, but not old enough"
    assert await again.prune(now=time.time() + LATER) == 6
    await again.stop()
    assert await late_group_gets(make) == []


async def test_a_group_subscribing_later_gets_what_the_retention_kept(make: Make) -> None:
    reader = Got()
    bus = make(reader=reader)
    await bus.start()
    await bus.publish_many(TOPIC, [envelope(n) for n in range(3)])
    await eventually(lambda: reader.numbers == [0, 1, 2])
    await bus.stop()
    assert await late_group_gets(make) == [0, 1, 2]  # within the retention: all of it

    again = make(reader=reader)
    await again.start()
    await eventually(lambda: 999 in reader.numbers)  # the late group's marker: read by all
    await again.prune(now=time.time() + LATER)
    await again.stop()
    assert await late_group_gets(make) == []


async def test_a_group_away_for_a_whole_retention_no_longer_holds_the_log_back(
    make: Make,
) -> None:
    first = make(gone=Got())
    await first.start()
    await first.stop()
    producer = make()
    await producer.start()
    await producer.publish_many(TOPIC, [envelope(n) for n in range(4)])
    # Kafka forgets the offsets of a group empty for offsets.retention.minutes; so does
    # this log, after its retention: then age alone decides, as for a topic nobody reads.
    assert await producer.prune(now=time.time() + LATER) == 4


async def test_a_topic_nobody_reads_keeps_its_envelopes_for_the_retention(make: Make) -> None:
    producer = make()
    await producer.start()
    await producer.publish_many("test.unread.dlq", [envelope(n) for n in range(3)])
    assert await producer.prune(now=time.time()) == 0
    assert await producer.prune(now=time.time() + LATER) == 3


async def test_a_fan_out_subscription_holds_nothing_back(tmp_path: Path) -> None:
    """It keeps its position in memory and commits nothing: only the groups count."""
    reader, pushes = Got(), Got()
    bus = EmbeddedBus(tmp_path / "bus.db", retention_s=RETENTION_S, prune_interval_s=3600)
    bus.subscribe("reader", [TOPIC], reader)
    bus.subscribe("pushes", [TOPIC], pushes, fanout=True)
    await bus.start()
    try:
        await bus.publish_many(TOPIC, [envelope(n) for n in range(3)])
        await eventually(lambda: reader.numbers == pushes.numbers == [0, 1, 2])
        await bus.stop()
        bus = EmbeddedBus(tmp_path / "bus.db", retention_s=RETENTION_S, prune_interval_s=3600)
        bus.subscribe("reader", [TOPIC], reader)
        await bus.start()
        assert await bus.prune(now=time.time() + LATER) == 3
    finally:
        await bus.stop()


def file_size(path: Path) -> int:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # what SQLite does every 1,000 pages
    return path.stat().st_size


async def test_the_file_holds_what_is_kept_not_all_that_went_through(
    make: Make, tmp_path: Path
) -> None:
    """40 rounds of 250 envelopes of 2 KB (20 MB in all), everything pruned after each
    round: the file grows to one round's worth and gives it back, round after round."""
    reader = Got()
    bus = make(reader=reader)
    await bus.start()
    full: list[int] = []
    pruned: list[int] = []
    clock = time.time()
    for round_ in range(40):
        batch = [envelope(round_ * 250 + i, key=f"k{i % 7}", size=2000) for i in range(250)]
        await bus.publish_many(TOPIC, batch)
        handled = 250 * (round_ + 1)
        await eventually(lambda n=handled: len(reader.numbers) == n)
        await bus.stop()  # commits; the next start is a restart, as after a deploy
        full.append(file_size(tmp_path / "bus.db"))
        clock += LATER
        bus = make(reader=reader)
        await bus.start()
        assert await bus.prune(now=clock) == 250
        pruned.append(file_size(tmp_path / "bus.db"))
    one_round = 250 * 2200
    assert max(full) < 2 * one_round, full
    assert max(pruned) < 64 * 1024, pruned
    assert len(reader.numbers) == 10_000


def old_bus_file(path: Path) -> None:
    """A bus.db as the version before retention left it: no publish times, no auto_vacuum."""
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE log (offset INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL,
                partition INTEGER NOT NULL, body BLOB NOT NULL);
            CREATE INDEX log_by_partition ON log (topic, partition, offset);
            CREATE TABLE offsets (grp TEXT NOT NULL, topic TEXT NOT NULL,
                partition INTEGER NOT NULL, committed INTEGER NOT NULL,
                PRIMARY KEY (grp, topic, partition));
            """
        )
        for n in range(3):
            e = envelope(n)
            db.execute(
                "INSERT INTO log (topic, partition, body) VALUES (?, ?, ?)",
                (TOPIC, 0, e.to_bytes()),
            )
        db.execute("INSERT INTO offsets VALUES ('reader', ?, 0, 1)", (TOPIC,))  # has read 0


async def test_an_older_file_is_upgraded_and_loses_nothing(make: Make, tmp_path: Path) -> None:
    path = tmp_path / "bus.db"
    old_bus_file(path)
    reader = Got()
    bus = make(reader=reader)
    await bus.start()
    await eventually(lambda: reader.numbers == [1, 2])  # from where it was
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental now
    # What was there counts as published at the upgrade: kept a retention from then.
    await bus.stop()
    bus = make(reader=reader)
    await bus.start()
    assert await bus.prune(now=time.time()) == 0
    assert await bus.prune(now=time.time() + LATER) == 3


async def test_the_prune_task_runs_on_its_own(tmp_path: Path) -> None:
    reader = Got()
    bus = EmbeddedBus(tmp_path / "bus.db", retention_s=0.01, prune_interval_s=0.02)
    bus.subscribe("reader", [TOPIC], reader)
    await bus.start()
    try:
        await bus.publish_many(TOPIC, [envelope(n) for n in range(5)])
        await eventually(lambda: reader.numbers == list(range(5)))

        def empty() -> bool:
            with sqlite3.connect(tmp_path / "bus.db") as db:
                return db.execute("SELECT COUNT(*) FROM log").fetchone()[0] == 0

        await eventually(empty)
    finally:
        await bus.stop()
