"""What the gateway keeps how long: ended ticket jobs for ``ticket_job_retention_s``, spent
nonces while their timestamp could pass, refresh tokens while they verify; never an open job.

The store's purge runs with the test's clock (``purge_expired(now)``): "a month later" is
an argument, not a wait.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness
from services.gateway.tests.test_tickets import (
    _classified,
    client_sign,
    signed_headers,
    signing_secret,
    tickets_csv,
    upload,
)


async def purge(harness: Harness, after: timedelta) -> None:
    assert harness.store is not None
    await harness.store.purge_expired(datetime.now(UTC) + after)


async def test_an_ended_job_goes_after_its_retention_and_an_open_one_stays(
    harness: Harness, settings: Settings
) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    ids = []
    for rows in (3, 4):
        raw = tickets_csv(rows)
        r = await upload(harness, token, raw, signed_headers(secret, raw))
        assert r.status_code == 202, r.text
        ids.append(r.json()["data"]["session_id"])
    ended, still_open = ids
    submitted = await eventually(lambda: harness.recorder.of_type("tickets.submitted"))
    await harness.publish(_classified(next(e for e in submitted if e.session_id == ended)))

    async def status(job_id: str) -> Any:
        r = await harness.client.get(f"/api/tickets/{job_id}", headers=auth(token))
        return r.json()["data"]["status"] if r.status_code == 200 else r.status_code

    await eventually(lambda: _is(status(ended), "completed"))
    retention = timedelta(seconds=settings.ticket_job_retention_s)

    await purge(harness, retention - timedelta(hours=1))
    assert await status(ended) == "completed"  # results stay for the whole retention
    await purge(harness, retention + timedelta(hours=1))
    assert await status(ended) == 404
    await purge(harness, 100 * retention)
    assert await status(still_open) == "pending"  # an open job never expires
    listing = await harness.client.get("/api/tickets", headers=auth(token))
    assert [j["session_id"] for j in listing.json()["data"]["items"]] == [still_open]


async def _is(value: Any, expected: Any) -> bool:
    return bool(await value == expected)


async def test_a_spent_nonce_is_refused_until_its_timestamp_could_no_longer_pass(
    harness: Harness, settings: Settings
) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    raw = tickets_csv(1)
    nonce = "a-nonce-used-once-0123"

    def headers() -> dict[str, str]:
        ts = str(int(time.time()))
        return {
            "X-Timestamp": ts,
            "X-Nonce": nonce,
            "X-Signature": client_sign(secret, ts, nonce, raw),
        }

    assert (await upload(harness, token, raw, headers())).status_code == 202
    window = timedelta(seconds=2 * settings.signature_tolerance_s)
    await purge(harness, window - timedelta(seconds=30))
    assert (await upload(harness, token, raw, headers())).status_code == 409
    # Past the window no replay of the first upload can pass the timestamp check, so the
    # nonce is forgotten: the spent nonces do not pile up.
    await purge(harness, window + timedelta(seconds=30))
    assert (await upload(harness, token, raw, headers())).status_code == 202


async def test_a_spent_refresh_token_is_remembered_as_long_as_it_verifies(
    harness: Harness, settings: Settings
) -> None:
    await harness.user()
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse"}
    )
    first = r.json()["data"]["refresh_token"]
    r = await harness.client.post("/api/v1/auth/refresh", headers=auth(first))
    assert r.status_code == 200
    ttl = timedelta(seconds=settings.refresh_token_ttl_s)

    await purge(harness, ttl - timedelta(minutes=1))
    reuse = await harness.client.post("/api/v1/auth/refresh", headers=auth(first))
    assert reuse.status_code == 401 and "reuse" in reuse.json()["error"]
    tokens = await harness.collection("refresh_tokens")
    assert await tokens.count() == 3  # two logins (harness.user logs in too), one refresh
    await purge(harness, ttl + timedelta(minutes=1))  # both have expired: nothing to catch
    assert await tokens.count() == 0
