"""``/graphql`` counts against the REST API's rate limit: one budget for both."""

from __future__ import annotations

import pytest

from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import Harness


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    return Settings(data_dir=tmp_path, jwt_secret="x" * 40, rate_limit_per_minute=4)


async def test_graphql_and_rest_share_one_budget(harness: Harness) -> None:
    token = await harness.user()  # register + login: anonymous, by IP
    query = {"query": "{ sessions { total } }"}
    seen = [
        await harness.client.post("/graphql", json=query, headers=auth(token)),
        await harness.client.get("/api/v1/sessions", headers=auth(token)),
        await harness.client.post("/graphql", json=query, headers=auth(token)),
        await harness.client.get("/api/v1/sessions", headers=auth(token)),
    ]
    assert [r.status_code for r in seen] == [200] * 4
    assert [int(r.headers["x-ratelimit-remaining"]) for r in seen] == [3, 2, 1, 0]
    over = await harness.client.post("/graphql", json=query, headers=auth(token))
    assert over.status_code == 429 and over.json()["error"] == "rate limit exceeded"
    assert int(over.headers["retry-after"]) > 0
    other = await harness.user("other@example.com")
    assert (
        await harness.client.post("/graphql", json=query, headers=auth(other))
    ).status_code == 200
