"""Deliveries live in the store: a new notifier on the same store sends what the stopped one
had not delivered, on SQLite and on MongoDB (SecantusDB)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook

from insightbus.common.store import DocumentStore
from insightbus.common.store.mongo import MongoStore
from insightbus.common.store.sqlite import SqliteStore
from services.notifier.tests.conftest import serve
from services.notifier.tests.receiver import Receiver, Reply
from services.notifier.tests.webhook_support import (
    Api,
    analysis_completed,
    eventually,
    fast_settings,
)


@pytest.fixture(params=["sqlite", "mongo"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], DocumentStore]:
    """Each call opens the same data anew, as a restarted process would."""
    if request.param == "sqlite":
        return lambda: SqliteStore(tmp_path / "notifier.db")
    url = request.getfixturevalue("mongo_url")
    database = f"notifier_{uuid.uuid4().hex[:10]}"
    return lambda: MongoStore(url, database)


async def test_a_retry_due_after_a_restart_is_sent_by_the_new_process(
    tmp_path: Path, make_store: Callable[[], DocumentStore], receiver: Receiver
) -> None:
    receiver.script("/hook", Reply(500))
    settings = fast_settings(tmp_path, webhook_retry_schedule_s=(1.0, 1.0))
    async with serve(settings, make_store()) as live, Api(live, "u1") as api:
        webhook, secret = await api.create(receiver.url())
        await live.publish(analysis_completed("u1"))
        await receiver.wait_for(1)
        await eventually(lambda: _pending_after(api, webhook["id"], attempts=1))
    assert len(receiver.requests) == 1  # stopped before the retry was due

    async with serve(settings, make_store()) as live, Api(live, "u1") as api:
        delivery = await api.settled(webhook["id"])
    first, second = receiver.requests
    assert second.headers["webhook-id"] == first.headers["webhook-id"] == delivery["id"]
    Webhook(secret).verify(second.body, second.headers)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 2


async def test_an_attempt_cut_short_by_a_stop_is_sent_again_at_once(
    tmp_path: Path, make_store: Callable[[], DocumentStore], receiver: Receiver
) -> None:
    receiver.script("/hook", Reply(200, delay_s=1.0))  # still answering when we stop
    settings = fast_settings(tmp_path, webhook_timeout_s=5.0)
    async with serve(settings, make_store()) as live, Api(live, "u1") as api:
        webhook, _ = await api.create(receiver.url())
        await live.publish(analysis_completed("u1"))
        await receiver.wait_for(1)

    async with serve(settings, make_store()) as live, Api(live, "u1") as api:
        # Handed back on stop: not left to its lease (timeout + 30 s) to run out.
        delivery = await api.settled(webhook["id"], timeout=3.0)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 1
    assert len(receiver.requests) == 2


async def _pending_after(api: Api, webhook_id: str, attempts: int) -> dict[str, Any] | None:
    found = await api.deliveries(webhook_id)
    if found and found[0]["status"] == "pending" and found[0]["attempts"] == attempts:
        return found[0]
    return None
