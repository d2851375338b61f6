"""Accounts and tokens through the HTTP API."""

from __future__ import annotations

from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import Harness


async def test_register_returns_the_user_and_refuses_a_duplicate_email(harness: Harness) -> None:
    body = {"email": "Ada@Example.com", "password": "correct horse", "name": "Ada"}
    r = await harness.client.post("/api/v1/auth/register", json=body)
    assert r.status_code == 201
    assert r.json()["status"] == "success" and r.json()["success"] is True
    user = r.json()["data"]["user"]
    assert user["email"] == "ada@example.com" and user["name"] == "Ada" and user["id"]
    assert "password" not in str(r.json())

    again = await harness.client.post(
        "/api/v1/auth/register", json={**body, "email": "ADA@example.com"}
    )
    assert again.status_code == 409
    assert again.json() == {
        "status": "error",
        "success": False,
        "error": "an account with this email already exists",
        "details": None,
    }


async def test_register_validates_its_input(harness: Harness) -> None:
    for bad in (
        {"email": "not-an-email", "password": "correct horse", "name": "A"},
        {"email": "a@b.io", "password": "short", "name": "A"},
        {"email": "a@b.io", "password": "correct horse", "name": ""},
        {"email": "a@b.io", "password": "correct horse"},
    ):
        r = await harness.client.post("/api/v1/auth/register", json=bad)
        assert r.status_code == 422, bad
        assert r.json()["success"] is False and r.json()["details"]


async def test_login_answers_the_same_for_a_wrong_password_and_an_unknown_email(
    harness: Harness,
) -> None:
    await harness.user("ada@example.com", "correct horse")
    wrong = await harness.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "nope nope"}
    )
    unknown = await harness.client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": "nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]


async def test_login_returns_a_usable_token_pair(harness: Harness) -> None:
    await harness.user()
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse"}
    )
    data = r.json()["data"]
    assert data["token_type"] == "bearer" and data["expires_in"] > 0
    ok = await harness.client.get("/api/v1/sessions", headers=auth(data["access_token"]))
    assert ok.status_code == 200
    # A refresh token is not an access token.
    refused = await harness.client.get("/api/v1/sessions", headers=auth(data["refresh_token"]))
    assert refused.status_code == 401


async def _login(harness: Harness) -> dict[str, str]:
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse"}
    )
    return dict(r.json()["data"])


async def test_refresh_rotates_and_reuse_revokes_the_family(harness: Harness) -> None:
    await harness.user()
    first = await _login(harness)
    r = await harness.client.post("/api/v1/auth/refresh", headers=auth(first["refresh_token"]))
    assert r.status_code == 200
    second = r.json()["data"]
    assert second["refresh_token"] != first["refresh_token"]

    # The spent token comes back: refused, and the whole family goes with it.
    reuse = await harness.client.post("/api/v1/auth/refresh", headers=auth(first["refresh_token"]))
    assert reuse.status_code == 401 and "reuse" in reuse.json()["error"]
    after = await harness.client.post("/api/v1/auth/refresh", headers=auth(second["refresh_token"]))
    assert after.status_code == 401

    # Another login is another family, untouched.
    other = await _login(harness)
    assert (
        await harness.client.post("/api/v1/auth/refresh", headers=auth(other["refresh_token"]))
    ).status_code == 200


async def test_an_access_token_is_not_a_refresh_token(harness: Harness) -> None:
    token = await harness.user()
    r = await harness.client.post("/api/v1/auth/refresh", headers=auth(token))
    assert r.status_code == 401
    missing = await harness.client.post("/api/v1/auth/refresh")
    assert missing.status_code == 401


async def test_routes_need_a_valid_token(harness: Harness) -> None:
    for headers in ({}, auth("garbage"), {"Authorization": "Basic abc"}):
        r = await harness.client.get("/api/v1/sessions", headers=headers)
        assert r.status_code == 401
        assert r.json()["success"] is False
