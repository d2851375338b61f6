"""A browser on another origin (the Insight Journey guide's React front end) calls the API as
the settings allow, and every answer carries the security headers a browser acts on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import aclosing

import httpx
import pytest

from tests.conftest import RunningStack
from tests.e2e.flow import signed_up_client

APP = "https://journey.example.com"


@pytest.fixture(scope="module")
def browser_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    from tests.conftest import TEST_ENV, start_stack

    stack = start_stack(
        tmp_path_factory.mktemp("browser") / "data",
        {
            **TEST_ENV,
            "INSIGHTBUS_CORS_ORIGINS": f'["{APP}"]',
            "INSIGHTBUS_HSTS": "true",
            "INSIGHTBUS_RATE_LIMIT_PER_MINUTE": "3",
        },
    )
    yield stack
    stack.stop()


def _assert_security_headers(response: httpx.Response, *, hsts: bool) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert ("strict-transport-security" in response.headers) is hsts


async def test_a_preflight_from_an_allowed_origin_is_answered(browser_stack: RunningStack) -> None:
    async with httpx.AsyncClient(base_url=browser_stack.base_url, timeout=10) as client:
        r = await client.options(
            "/api/v1/sessions",
            headers={
                "Origin": APP,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert r.status_code == 200, r.text
        assert r.headers["access-control-allow-origin"] == APP
        assert r.headers["access-control-allow-credentials"] == "true"
        assert "POST" in r.headers["access-control-allow-methods"]
        assert "authorization" in r.headers["access-control-allow-headers"].lower()

        other = await client.options(
            "/api/v1/sessions",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers


async def test_answers_to_an_allowed_origin_expose_the_rate_limit(
    browser_stack: RunningStack,
) -> None:
    client, _, _ = await signed_up_client(browser_stack.base_url)
    async with aclosing(client):
        client.headers["Origin"] = APP
        answers = [await client.get("/api/v1/sessions") for _ in range(4)]
    ok, limited = answers[0], answers[-1]
    assert ok.status_code == 200 and limited.status_code == 429
    for r in (ok, limited):  # an error answer is readable by the page too
        assert r.headers["access-control-allow-origin"] == APP
        exposed = r.headers["access-control-expose-headers"].lower()
        assert "x-ratelimit-remaining" in exposed and "retry-after" in exposed
        _assert_security_headers(r, hsts=True)


async def test_by_default_only_the_same_origin_and_every_answer_has_security_headers(
    stack: RunningStack,
) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=10) as client:
        r = await client.options(
            "/api/v1/sessions",
            headers={"Origin": APP, "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in r.headers
        for response in (
            await client.get("/health"),
            await client.get("/api/v1/sessions"),  # 401
            await client.get("/docs"),
        ):
            _assert_security_headers(response, hsts=False)
