"""Idempotency keys on uploads, through HTTP, on both stores (SQLite and MongoDB): a retry
with the same key answers the first result and starts nothing; a key is one request's."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from insightbus.common.auth import TokenCodec
from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.events import topics, utcnow
from insightbus.common.runtime import Process, create_app
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.store.mongo import MongoStore
from insightbus.common.store.sqlite import SqliteStore
from insightbus.common.testing.factories import Recorder, auth
from insightbus.gateway.bootstrap import build_gateway
from services.gateway.tests.conftest import Harness
from services.gateway.tests.test_tickets import signed_headers, signing_secret, tickets_csv

DIARY = b"Today was rough. I felt angry. Later I laughed with a friend and felt grateful."


@pytest.fixture(params=["sqlite", "mongo"])
async def harness(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Harness]:
    store: DocumentStore
    if request.param == "sqlite":
        store = SqliteStore(None)
    else:
        store = MongoStore(request.getfixturevalue("mongo_url"), f"idem_{uuid.uuid4().hex[:10]}")
    bus = EmbeddedBus(None, partitions=1, backoff_s=0.01)
    service = build_gateway(settings, store, bus, TokenCodec.from_settings(settings), None)
    recorder = Recorder()
    recorder.attach(bus, [topics.SESSIONS, topics.TICKETS])
    process = Process(bus=bus, stores={"gateway": store}, services=[service])
    app = create_app(process, title="t")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Harness(client, bus, recorder, app=app, store=None)


async def upload(
    harness: Harness, token: str, session: str, data: bytes, key: str | None, name: str = "d.txt"
) -> httpx.Response:
    headers = {**auth(token), **({"Idempotency-Key": key} if key else {})}
    return await harness.client.post(
        f"/api/v1/sessions/{session}/content",
        headers=headers,
        files={"file": (name, data, "text/plain")},
    )


async def uploads_of(harness: Harness, session: str) -> list[Any]:
    """The session's content.uploaded events, once a sentinel upload (no key) has arrived:
    every upload before it has been published by then (one partition, in order)."""
    token = await harness.user(f"sentinel-{uuid.uuid4().hex[:6]}@example.com")
    sentinel = await harness.session(token)
    r = await upload(harness, token, sentinel, DIARY, None)
    assert r.status_code == 202
    await harness.recorder.wait_for(
        lambda seen: any(
            e.type == "content.uploaded" and e.data["session_id"] == sentinel for e in seen
        )
    )
    return [e for e in harness.recorder.of_type("content.uploaded") if e.session_id == session]


async def test_a_retried_upload_answers_the_first_result_and_starts_nothing(
    harness: Harness,
) -> None:
    token = await harness.user()
    session = await harness.session(token)
    key = str(uuid.uuid4())
    first = await upload(harness, token, session, DIARY, key)
    again = await upload(harness, token, session, DIARY, key)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert len(await uploads_of(harness, session)) == 1

    # Without a key, or with another, the same file is a new upload.
    other = await upload(harness, token, session, DIARY, str(uuid.uuid4()))
    assert other.json()["data"]["content_id"] != first.json()["data"]["content_id"]
    assert len(await uploads_of(harness, session)) == 2


async def test_the_same_key_for_another_request_is_refused(harness: Harness) -> None:
    token = await harness.user()
    session = await harness.session(token)
    key = "key-1"
    assert (await upload(harness, token, session, DIARY, key)).status_code == 202
    changed = await upload(harness, token, session, DIARY + b" And more.", key)
    assert changed.status_code == 422
    assert changed.json()["success"] is False
    assert "Idempotency-Key was already used for a different request" in changed.json()["error"]
    elsewhere = await upload(harness, token, await harness.session(token), DIARY, key)
    assert elsewhere.status_code == 422
    # Keys are per user: another user's key of the same name is theirs.
    other = await harness.user("grace@example.com")
    assert (
        await upload(harness, other, await harness.session(other), DIARY, key)
    ).status_code == 202
    bad = await upload(harness, token, session, DIARY, "a key with spaces")
    assert bad.status_code == 422 and "Idempotency-Key" in bad.json()["error"]


async def test_a_refused_upload_frees_its_key(harness: Harness) -> None:
    token = await harness.user()
    session = await harness.session(token)
    refused = await upload(harness, token, session, b"MZ\x90", "k-2", name="tool.exe")
    assert refused.status_code == 415
    fixed = await upload(harness, token, session, DIARY, "k-2")
    assert fixed.status_code == 202


async def test_keys_expire(harness: Harness, settings: Settings) -> None:
    token = await harness.user()
    session = await harness.session(token)
    first = await upload(harness, token, session, DIARY, "k-3")
    records = await _records(harness)
    [record] = await records.find({})
    expires = record["expire_at"]
    assert expires - utcnow() > timedelta(seconds=settings.idempotency_key_ttl_s - 60)
    # A record past its time is not answered, even before the store has deleted it.
    await records.update({}, {"first_used": time.time() - settings.idempotency_key_ttl_s - 1})
    later = await upload(harness, token, session, DIARY, "k-3")
    assert later.status_code == 202
    assert later.json()["data"]["content_id"] != first.json()["data"]["content_id"]


async def _records(harness: Harness) -> Any:
    from insightbus.common.web.dependencies import provided
    from insightbus.gateway.app.gateway import Gateway

    class _Conn:
        app = harness.app

    gateway = provided(_Conn(), Gateway)  # type: ignore[arg-type]
    return gateway.idempotency._records


async def test_a_retried_ticket_upload_answers_the_same_job(harness: Harness) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    raw = tickets_csv(3)
    headers = {**auth(token), **signed_headers(secret, raw), "Idempotency-Key": "t-1"}
    body = {"csv_content": base64.b64encode(raw).decode(), "file_name": "t.csv"}
    first = await harness.client.post("/api/tickets/upload", json=body, headers=headers)
    again = await harness.client.post("/api/tickets/upload", json=body, headers=headers)
    assert first.status_code == again.status_code == 202, first.text
    assert again.json() == first.json()
    jobs = (await harness.client.get("/api/tickets", headers=auth(token))).json()["data"]
    assert jobs["total"] == 1
    # Without the key, the same signed request is a replay: its nonce is spent.
    replay = {k: v for k, v in headers.items() if k != "Idempotency-Key"}
    assert (
        await harness.client.post("/api/tickets/upload", json=body, headers=replay)
    ).status_code == 409
    other = tickets_csv(2, start=10)
    changed = {**auth(token), **signed_headers(secret, other), "Idempotency-Key": "t-1"}
    body2 = {"csv_content": base64.b64encode(other).decode(), "file_name": "t.csv"}
    r = await harness.client.post("/api/tickets/upload", json=body2, headers=changed)
    assert r.status_code == 422
