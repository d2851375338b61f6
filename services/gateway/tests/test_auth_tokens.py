"""Token edge cases: timing of unknown emails, concurrent refreshes, expiry, tampering."""

from __future__ import annotations

import asyncio
import time

import argon2
import jwt
import pytest

from insightbus.common.auth import TokenCodec, TokenKind
from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import SECRET, Harness


async def test_an_unknown_email_costs_a_password_check_too(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real_verify = argon2.PasswordHasher.verify

    def counting_verify(self: argon2.PasswordHasher, hashed: str, password: str) -> bool:
        checks.append(password)
        return real_verify(self, hashed, password)

    await harness.user()
    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting_verify)
    for email in ("ada@example.com", "nobody@example.com"):
        r = await harness.client.post(
            "/api/v1/auth/login", json={"email": email, "password": "wrong password"}
        )
        assert r.status_code == 401 and r.json()["error"] == "invalid email or password"
    assert checks == ["wrong password", "wrong password"]


async def test_a_refresh_token_is_spent_exactly_once_under_concurrency(harness: Harness) -> None:
    await harness.user()
    login = await harness.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse"}
    )
    refresh = login.json()["data"]["refresh_token"]
    results = await asyncio.gather(
        *(harness.client.post("/api/v1/auth/refresh", headers=auth(refresh)) for _ in range(2))
    )
    assert sorted(r.status_code for r in results) == [200, 401]
    # The loser looked like a thief: the winner's new token went with the family.
    winner = next(r for r in results if r.status_code == 200).json()["data"]
    again = await harness.client.post("/api/v1/auth/refresh", headers=auth(winner["refresh_token"]))
    assert again.status_code == 401
    # Access tokens are stateless: the one just issued still works until it expires.
    r = await harness.client.get("/api/v1/sessions", headers=auth(winner["access_token"]))
    assert r.status_code == 200


async def test_expired_tampered_or_foreign_tokens_are_refused(harness: Harness) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    expired = jwt.encode(
        {
            "sub": user_id,
            "kind": "access",
            "jti": "j",
            "fam": "f",
            "iat": int(time.time()) - 100,
            "exp": int(time.time()) - 10,
            "iss": "insightbus",
        },
        SECRET,
        algorithm="HS256",
    )
    foreign, _ = TokenCodec("y" * 40, issuer="insightbus", access_ttl_s=60, refresh_ttl_s=60).issue(
        user_id, TokenKind.access
    )
    head, payload, signature = token.split(".")
    tampered = f"{head}.{payload}.{signature[::-1]}"
    for bad, message in (
        (expired, "token expired"),
        (foreign, "invalid token"),
        (tampered, "invalid token"),
    ):
        r = await harness.client.get("/api/v1/sessions", headers=auth(bad))
        assert r.status_code == 401 and r.json()["error"] == message
    assert (await harness.client.get("/api/v1/sessions", headers=auth(token))).status_code == 200
