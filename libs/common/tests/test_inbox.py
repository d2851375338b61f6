"""An inbox remembers a handled envelope's id for its retention, then forgets it: ids
written by a version before that expire too, a retention after the upgrade."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from insightbus.common.idempotency import Inbox
from insightbus.common.settings import Settings
from insightbus.common.store.sqlite import SqliteStore

RETENTION = timedelta(days=14)


@pytest.fixture
async def store() -> AsyncIterator[SqliteStore]:
    s = SqliteStore(None, purge_interval_s=3600)  # the tests purge, with their own clock
    await s.start()
    yield s
    await s.close()


async def later(store: SqliteStore, after: timedelta) -> None:
    await store.purge_expired(datetime.now(UTC) + after)


async def test_an_id_is_remembered_for_the_retention_then_forgotten(store: SqliteStore) -> None:
    inbox = await Inbox.create(store, retention_s=RETENTION.total_seconds())
    assert await inbox.remember("e1")
    await later(store, RETENTION - timedelta(minutes=1))
    assert await inbox.seen("e1")
    assert not await inbox.remember("e1")  # a redelivery within the retention: a no-op
    await later(store, RETENTION + timedelta(minutes=1))
    assert not await inbox.seen("e1")


async def test_ids_from_before_expiry_expire_a_retention_after_the_upgrade(
    store: SqliteStore,
) -> None:
    old = await store.collection("inbox")  # as the version before wrote them: no expiry
    await old.insert({"id": "e0", "at": "2026-01-01T00:00:00+00:00"})
    inbox = await Inbox.create(store, retention_s=RETENTION.total_seconds())
    await later(store, RETENTION - timedelta(minutes=1))
    assert await inbox.seen("e0")
    await later(store, RETENTION + timedelta(minutes=1))
    assert not await inbox.seen("e0")


def test_an_inbox_that_forgets_before_the_log_does_is_refused() -> None:
    """A group that reads the log again would find ids gone and handle events twice."""
    with pytest.raises(ValidationError, match="inbox_retention_s"):
        Settings(bus_retention_s=7 * 24 * 3600, inbox_retention_s=24 * 3600)
    assert Settings().inbox_retention_s >= Settings().bus_retention_s
