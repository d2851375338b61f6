"""API keys and signing secrets, through the HTTP API."""

from __future__ import annotations

from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import Harness


async def test_an_api_key_authenticates_until_it_is_revoked(harness: Harness) -> None:
    token = await harness.user()
    r = await harness.client.post("/api/v1/api-keys", json={"name": "ci"}, headers=auth(token))
    assert r.status_code == 201, r.text
    created = r.json()["data"]
    key = created["key"]
    assert key.startswith("ibk_") and created["prefix"] in key

    listed = (await harness.client.get("/api/v1/api-keys", headers=auth(token))).json()["data"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0] and "digest" not in listed[0]  # shown once only

    r = await harness.client.get("/api/v1/sessions", headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    session_id = await harness.session(token)
    r = await harness.client.get(f"/api/v1/sessions/{session_id}", headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    listed = (await harness.client.get("/api/v1/api-keys", headers=auth(token))).json()["data"]
    assert listed[0]["last_used_at"] is not None

    r = await harness.client.delete(f"/api/v1/api-keys/{created['id']}", headers=auth(token))
    assert r.status_code == 204
    r = await harness.client.get("/api/v1/sessions", headers={"X-API-Key": key})
    assert r.status_code == 401
    assert "API key" in r.json()["error"]


async def test_bad_keys_and_key_management_rules(harness: Harness) -> None:
    ada = await harness.user()
    bob = await harness.user("bob@example.com")
    key = (
        await harness.client.post("/api/v1/api-keys", json={"name": "x"}, headers=auth(ada))
    ).json()["data"]
    for bad in ("nope", "ibk_", f"{key['key']}x", f"ibk_{key['id']}_forged"):
        r = await harness.client.get("/api/v1/sessions", headers={"X-API-Key": bad})
        assert r.status_code == 401, bad
    # A key cannot mint keys: managing credentials needs a token.
    r = await harness.client.post(
        "/api/v1/api-keys", json={"name": "more"}, headers={"X-API-Key": key["key"]}
    )
    assert r.status_code == 401
    # Another user's key is as missing as none.
    r = await harness.client.delete(f"/api/v1/api-keys/{key['id']}", headers=auth(bob))
    assert r.status_code == 404
    for body in ({"name": ""}, {"name": "x" * 101}, {}):
        r = await harness.client.post("/api/v1/api-keys", json=body, headers=auth(ada))
        assert r.status_code == 422, body
    assert (await harness.client.get("/api/v1/api-keys")).status_code == 401


async def test_signing_secret_is_shown_once_and_rotates(harness: Harness) -> None:
    token = await harness.user()
    first = (await harness.client.post("/api/v1/signing-secret", headers=auth(token))).json()
    assert first["data"]["signing_secret"].startswith("ibs_")
    assert first["data"]["previous_valid_until"] is None
    second = (await harness.client.post("/api/v1/signing-secret", headers=auth(token))).json()
    assert second["data"]["signing_secret"] != first["data"]["signing_secret"]
    assert second["data"]["previous_valid_until"] is not None
    assert (await harness.client.post("/api/v1/signing-secret")).status_code == 401
