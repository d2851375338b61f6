"""Signing keys rotate: the newest signs, a token an older key signed is accepted until that
key retires, and a token naming a key nobody knows is refused."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from insightbus.cli.main import main
from insightbus.common.auth.keys import read_ring
from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import Harness


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "jwt-keys.json"
    assert main(["keys", "rotate", "--file", str(path)]) == 0
    return path


@pytest.fixture
def settings(tmp_path: Any, keys: Path) -> Settings:
    # A key ring as every replica would mount it; looked at on every token (reload 0).
    return Settings(
        data_dir=tmp_path, jwt_keys_file=keys, jwt_keys_reload_s=0, rate_limit_per_minute=1000
    )


async def login(harness: Harness) -> dict[str, str]:
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse"}
    )
    assert r.status_code == 200, r.text
    return dict(r.json()["data"])


async def test_a_token_from_before_a_rotation_works_until_its_key_retires(
    harness: Harness, keys: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await harness.user()
    before = await login(harness)
    first = kid(before["access_token"])
    assert read_ring(keys).keys[0].kid == first

    assert main(["keys", "rotate", "--file", str(keys)]) == 0
    second = read_ring(keys).keys[-1].kid
    assert second != first and f"{second} signs from" in capsys.readouterr().out

    # The client keeps using what it had: accepted, the refresh too (its key verifies).
    sessions = await harness.client.get("/api/v1/sessions", headers=auth(before["access_token"]))
    assert sessions.status_code == 200
    refreshed = await harness.client.post(
        "/api/v1/auth/refresh", headers=auth(before["refresh_token"])
    )
    assert refreshed.status_code == 200, refreshed.text
    # What is issued now carries the new key.
    assert kid(refreshed.json()["data"]["access_token"]) == second
    after = await login(harness)
    assert kid(after["access_token"]) == kid(after["refresh_token"]) == second
    # The old key retires at the refresh token's lifetime after the rotation.
    old = next(k for k in read_ring(keys).keys if k.kid == first)
    assert old.retire_at is not None and old.retire_at > time.time() + 13 * 24 * 3600

    # Retired (at once here, as for a leaked key): the old token is refused, though the
    # gateway had verified (and cached) it before; the new one still works.
    assert main(["keys", "retire", first, "--file", str(keys)]) == 0
    r = await harness.client.get("/api/v1/sessions", headers=auth(before["access_token"]))
    assert r.status_code == 401 and r.json()["error"] == "token signed by a retired key"
    r = await harness.client.get("/api/v1/sessions", headers=auth(after["access_token"]))
    assert r.status_code == 200
    assert main(["keys", "list", "--file", str(keys)]) == 0
    listing = capsys.readouterr().out
    assert f"{first}\tretired" in listing and f"{second}\tsigns" in listing
    assert "secret" not in listing


async def test_a_token_naming_an_unknown_key_is_refused(harness: Harness, keys: Path) -> None:
    token = await harness.user()
    claims = jwt.decode(token, options={"verify_signature": False})
    secret = read_ring(keys).keys[0].secret
    for forged in (
        jwt.encode(claims, secret, algorithm="HS256", headers={"kid": "someone-elses"}),
        jwt.encode(claims, secret, algorithm="HS256"),  # no kid: the legacy key, not set here
    ):
        r = await harness.client.get("/api/v1/sessions", headers=auth(forged))
        assert r.status_code == 401 and r.json()["error"] == "token signed by an unknown key"
    assert (await harness.client.get("/api/v1/sessions", headers=auth(token))).status_code == 200


async def test_the_legacy_secret_still_verifies_beside_a_key_file(tmp_path: Path) -> None:
    from insightbus.common.auth import TokenCodec, TokenKind

    secret = "z" * 40
    legacy = TokenCodec(secret, issuer="insightbus", access_ttl_s=60, refresh_ttl_s=60)
    old, _ = legacy.issue("u1", TokenKind.access)
    path = tmp_path / "ring.json"
    settings = Settings(
        data_dir=tmp_path, jwt_secret=secret, jwt_keys_file=path, jwt_keys_reload_s=0
    )
    codec = TokenCodec.from_settings(settings)  # no file yet: the secret alone
    assert codec.verify(old, TokenKind.access).subject == "u1"
    assert main(["keys", "rotate", "--file", str(path)]) == 0
    new, claims = codec.issue("u2", TokenKind.access)
    assert claims.key_id != "default" and kid(new) == claims.key_id
    assert codec.verify(old, TokenKind.access).key_id == "default"
    assert codec.verify(new, TokenKind.access).subject == "u2"


def test_the_embedded_stack_keeps_its_generated_secret_as_the_first_key(tmp_path: Path) -> None:
    from insightbus.common.auth import TokenCodec, TokenKind

    (tmp_path / "jwt-secret").write_text("q" * 48)
    before = TokenCodec("q" * 48, issuer="insightbus", access_ttl_s=60, refresh_ttl_s=60)
    old, _ = before.issue("u1", TokenKind.access)
    codec = TokenCodec.from_settings(Settings(data_dir=tmp_path))
    assert codec.verify(old, TokenKind.access).subject == "u1"
    assert (tmp_path / "jwt-keys.json").exists()
