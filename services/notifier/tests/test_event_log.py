"""Each session's log, written by several writers at once: two topics' consumers in one
notifier, and the replicas. Numbers are unique, without gaps, and kept by redeliveries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from insightbus.common.store import DocumentStore, Index
from insightbus.common.store.sqlite import SqliteStore
from insightbus.notifier.adapters.event_log import EventLog

DAY = 24 * 3600.0


def batch(writer: str, n: int, size: int) -> list[tuple[str, str, dict[str, object]]]:
    return [(f"{writer}-{n}-{i}", "new_emotion", {"i": i}) for i in range(size)]


async def test_writers_racing_on_one_session_get_unique_numbers_without_gaps(
    store: DocumentStore,
) -> None:
    replicas = [await EventLog.open(store, retention_s=DAY) for _ in range(3)]
    batches = {(w, n): batch(f"w{w}", n, 1 + (n % 4)) for w in range(3) for n in range(12)}

    async def write(w: int) -> None:
        for n in range(12):
            await replicas[w].append("s1", batches[(w, n)])
            await asyncio.sleep(0)

    await asyncio.gather(*(write(w) for w in range(3)))
    logged = await replicas[0].after("s1", None)
    assert [m.seq for m in logged] == list(range(1, len(logged) + 1))
    ids = [m.id for m in logged]
    assert sorted(ids) == sorted(id for b in batches.values() for id, *_ in b)
    for b in batches.values():  # each batch stays in its order
        positions = [ids.index(id) for id, *_ in b]
        assert positions == sorted(positions)


async def test_a_redelivered_or_copied_envelope_keeps_its_number(store: DocumentStore) -> None:
    first, other_replica = (
        await EventLog.open(store, retention_s=DAY),
        await EventLog.open(store, retention_s=DAY),
    )
    appended = await first.append("s1", batch("a", 0, 3))
    assert [m.seq for m in appended.messages] == [1, 2, 3]
    assert appended.new == {"a-0-0", "a-0-1", "a-0-2"}
    again = await other_replica.append("s1", [*batch("a", 0, 3)[1:], *batch("b", 0, 1)])
    assert [(m.id, m.seq) for m in again.messages] == [("a-0-1", 2), ("a-0-2", 3), ("b-0-0", 4)]
    assert again.new == {"b-0-0"}
    assert [m.seq for m in await first.after("s1", "a-0-1")] == [3, 4]


async def test_the_tails_writer_finds_a_message_it_logged_long_ago(
    store: DocumentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer of a session's last number inserts without reading first; a redelivery
    # of a message it no longer remembers clashes on its id, and keeps its number.
    monkeypatch.setattr("insightbus.notifier.adapters.event_log._REMEMBERED", 2)
    log = await EventLog.open(store, retention_s=DAY)
    await log.append("s1", batch("a", 0, 4))
    again = await log.append("s1", [*batch("a", 0, 2), *batch("b", 0, 1)])
    assert [(m.id, m.seq) for m in again.messages] == [("a-0-0", 1), ("a-0-1", 2), ("b-0-0", 5)]
    assert again.new == {"b-0-0"}
    assert [m.seq for m in await log.after("s1", None)] == [1, 2, 3, 4, 5]


async def test_a_log_numbered_before_is_renumbered_in_its_order(store: DocumentStore) -> None:
    before = await store.collection("session_messages", [Index(("session_id", "seq"))])
    await before.insert_new(
        [
            {"id": "x", "session_id": "s1", "seq": 1, "type": "t", "data": {}},
            {"id": "y", "session_id": "s1", "seq": 2, "type": "t", "data": {}},
            {"id": "z", "session_id": "s1", "seq": 2, "type": "t", "data": {}},  # the old race
            {"id": "w", "session_id": "s2", "seq": 5, "type": "t", "data": {}},
        ]
    )
    log = await EventLog.open(store, retention_s=DAY)
    assert [(m.id, m.seq) for m in await log.after("s1", None)] == [("x", 1), ("y", 2), ("z", 3)]
    assert [(m.id, m.seq) for m in await log.after("s2", None)] == [("w", 1)]
    assert await before.count() == 0
    assert [m.seq for m in (await log.append("s1", batch("n", 0, 1))).messages] == [4]


async def test_messages_go_after_their_retention(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "notifier.db")
    await store.start()
    try:
        log = await EventLog.open(store, retention_s=DAY)
        await log.append("s1", batch("a", 0, 2))
        await store.purge_expired(datetime.now(UTC) + timedelta(hours=23))
        assert [m.seq for m in await log.after("s1", None)] == [1, 2]
        await store.purge_expired(datetime.now(UTC) + timedelta(hours=25))
        assert await log.after("s1", None) == []
    finally:
        await store.close()
