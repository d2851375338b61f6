"""Who owns a session, as recorded by one replica and learned by every other: a creation
redelivered after the deletion brings nothing back, in this process or the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from insightbus.common.store import DocumentStore
from insightbus.common.store.sqlite import SqliteStore
from insightbus.notifier.adapters.ownership import Ownership

DAY = 24 * 3600.0


async def fresh(store: DocumentStore) -> Ownership:
    return await Ownership.open(store, tombstone_retention_s=DAY)


async def test_a_creation_redelivered_after_the_deletion_brings_nothing_back(
    store: DocumentStore,
) -> None:
    recorder = await fresh(store)
    await recorder.record("s1", "u1")
    assert await recorder.owner("s1") == ("u1", False)
    await recorder.record("s1", "u1")  # redelivered while it lives: still the same
    assert await (await fresh(store)).owner("s1") == ("u1", False)

    await recorder.forget("s1", "u1")
    await recorder.record("s1", "u1")  # redelivered after the deletion
    assert await recorder.owner("s1") == ("u1", True)
    assert await (await fresh(store)).owner("s1") == ("u1", True)


async def test_another_replica_learns_of_a_deletion_before_a_late_creation(
    store: DocumentStore,
) -> None:
    recorder, other = await fresh(store), await fresh(store)
    await recorder.record("s1", "u1")
    await other.seen("s1", "u1", deleted=False)
    assert await other.owner("s1") == ("u1", False)
    await recorder.forget("s1", "u1")
    await other.seen("s1", "u1", deleted=True)
    await other.seen("s1", "u1", deleted=False)  # a late copy of the creation
    assert await other.owner("s1") == ("u1", True)
    # A replica started after the deletion reads the tombstone.
    late = await fresh(store)
    await late.seen("s1", "u1", deleted=False)
    assert await late.owner("s1") == ("u1", True)


async def test_a_deleted_sessions_marker_goes_after_its_retention_a_live_one_stays(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "notifier.db")
    await store.start()
    try:
        owners = await fresh(store)
        await owners.record("live", "u1")
        await owners.record("gone", "u1")
        await owners.forget("gone", "u1")
        await store.purge_expired(datetime.now(UTC) + timedelta(hours=23))
        assert await (await fresh(store)).owner("gone") == ("u1", True)
        await store.purge_expired(datetime.now(UTC) + timedelta(days=365))
        assert await (await fresh(store)).owner("gone") == (None, False)
        assert await (await fresh(store)).owner("live") == ("u1", False)
    finally:
        await store.close()
