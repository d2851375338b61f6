"""The error envelope on every failure, and rate-limit headers on every API response."""

from __future__ import annotations

import httpx
import pytest

from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth
from insightbus.gateway.app.sessions import Sessions
from services.gateway.tests.conftest import SECRET, Harness

LIMIT = 4


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    return Settings(data_dir=tmp_path, jwt_secret=SECRET, rate_limit_per_minute=LIMIT)


def envelope_keys(r: httpx.Response) -> set[str]:
    return set(r.json())


async def test_a_500_is_an_envelope_with_rate_headers_and_no_internals(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    token = await harness.user()
    session_id = await harness.session(token)

    async def broken(*_: object) -> None:
        raise RuntimeError("secret connection string mongodb://user:pw@db")

    monkeypatch.setattr(Sessions, "owned", broken)
    assert harness.app is not None
    transport = httpx.ASGITransport(app=harness.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        r = await client.get(f"/api/v1/sessions/{session_id}", headers=auth(token))
    assert r.status_code == 500
    assert r.json() == {
        "status": "error",
        "success": False,
        "error": "internal server error",
        "details": None,
    }
    assert r.headers["x-ratelimit-limit"] == str(LIMIT) and "x-ratelimit-remaining" in r.headers
    assert "x-correlation-id" in r.headers
    assert "unhandled error" in caplog.text  # still logged, once, by the common handler


async def test_validation_and_not_found_errors_use_the_envelope(harness: Harness) -> None:
    token = await harness.user()
    r = await harness.client.post("/api/v1/sessions", json={"title": ""}, headers=auth(token))
    assert r.status_code == 422 and envelope_keys(r) == {"status", "success", "error", "details"}
    assert r.json()["error"] == "validation failed"
    assert r.json()["details"][0]["loc"] == ["body", "title"]
    missing = await harness.client.get("/api/v1/sessions/nope", headers=auth(token))
    assert missing.status_code == 404
    assert missing.json() == {
        "status": "error",
        "success": False,
        "error": "session not found",
        "details": None,
    }
    for headers in ({}, auth("not.a.jwt")):
        unauthorized = await harness.client.get("/api/v1/sessions/nope", headers=headers)
        assert unauthorized.status_code == 401
        assert unauthorized.headers["www-authenticate"] == "Bearer"
        assert envelope_keys(unauthorized) == {"status", "success", "error", "details"}


async def test_every_api_response_counts_and_carries_the_headers(harness: Harness) -> None:
    token = await harness.user()  # two anonymous requests (register, login) from this IP
    responses = [
        await harness.client.get("/api/v1/sessions", headers=auth(token)),  # 200
        await harness.client.post("/api/v1/sessions", json={}, headers=auth(token)),  # 422
        await harness.client.get("/api/v1/sessions/x", headers=auth(token)),  # 404
        await harness.client.get("/api/v1/sessions", headers=auth(token)),  # 200
        await harness.client.get("/api/v1/sessions", headers=auth(token)),  # 429
    ]
    assert [r.status_code for r in responses] == [200, 422, 404, 200, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in responses] == ["3", "2", "1", "0", "0"]
    over = responses[-1]
    assert over.json() == {
        "status": "error",
        "success": False,
        "error": "rate limit exceeded",
        "details": {"limit": LIMIT, "retry_after": int(over.headers["retry-after"])},
    }
    assert over.headers["retry-after"] == over.headers["x-ratelimit-reset"]
    assert 1 <= int(over.headers["retry-after"]) <= 60
    assert "x-correlation-id" in over.headers  # the 429 went through observability too

    # Anonymous requests count per IP: this client used 2 of its 4 (register and login).
    anonymous = [await harness.client.get("/api/v1/sessions") for _ in range(3)]
    assert [r.status_code for r in anonymous] == [401, 401, 429]
    assert anonymous[0].headers["x-ratelimit-remaining"] == "1"
    # An invalid token does not get a budget of its own: it counts against the IP.
    assert (await harness.client.get("/api/v1/sessions", headers=auth("junk"))).status_code == 429
    from_elsewhere = httpx.ASGITransport(app=harness.app, client=("10.0.0.9", 1234))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=from_elsewhere, base_url="http://gateway") as other:
        assert (await other.get("/api/v1/sessions")).status_code == 401


async def test_health_metrics_and_docs_are_not_limited(harness: Harness) -> None:
    for _ in range(LIMIT + 2):
        for path in ("/health", "/metrics", "/openapi.json"):
            r = await harness.client.get(path)
            assert r.status_code == 200, path
            assert "x-ratelimit-limit" not in r.headers
    paths = (await harness.client.get("/openapi.json")).json()["paths"]
    upload = paths["/api/v1/sessions/{session_id}/content"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
