"""Per-user rate limits on the API."""

from __future__ import annotations

import pytest

from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import Harness


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    return Settings(data_dir=tmp_path, jwt_secret="x" * 40, rate_limit_per_minute=5)


async def test_rate_limit_headers_and_429(harness: Harness) -> None:
    token = await harness.user()  # register + login: 2 anonymous requests
    seen = []
    for _ in range(5):
        r = await harness.client.get("/api/v1/sessions/missing", headers=auth(token))
        seen.append(r)
    assert [r.status_code for r in seen] == [404] * 5
    assert [int(r.headers["x-ratelimit-remaining"]) for r in seen] == [4, 3, 2, 1, 0]
    assert all(r.headers["x-ratelimit-limit"] == "5" for r in seen)
    assert 0 < int(seen[0].headers["x-ratelimit-reset"]) <= 60
    over = await harness.client.get("/api/v1/sessions", headers=auth(token))
    assert over.status_code == 429
    assert over.json()["success"] is False and over.json()["error"] == "rate limit exceeded"
    assert 0 < int(over.headers["retry-after"]) <= 60
    # Another user has a budget of their own; /health is not limited.
    other = await harness.user("other@example.com")
    assert (await harness.client.get("/api/v1/sessions", headers=auth(other))).status_code == 200
    assert (await harness.client.get("/health")).status_code == 200
