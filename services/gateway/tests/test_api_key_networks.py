"""API keys limited to networks: elsewhere they answer 403, and X-Forwarded-For counts only
from a trusted proxy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from insightbus.common.runtime import proxy_options
from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth, serving
from services.gateway.tests.conftest import Harness


async def new_key(harness: Harness, token: str, allowed_ips: list[str]) -> dict[str, Any]:
    r = await harness.client.post(
        "/api/v1/api-keys",
        json={"name": "ci", "allowed_ips": allowed_ips},
        headers=auth(token),
    )
    assert r.status_code == 201, r.text
    return dict(r.json()["data"])


def from_address(harness: Harness, address: str) -> httpx.AsyncClient:
    assert harness.app is not None
    transport = httpx.ASGITransport(app=harness.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


async def test_a_key_works_only_from_its_networks(harness: Harness) -> None:
    token = await harness.user()
    key = await new_key(harness, token, ["198.51.100.0/24", "2001:db8::/32"])
    assert key["allowed_ips"] == ["198.51.100.0/24", "2001:db8::/32"]
    headers = {"X-API-Key": key["key"]}
    for address in ("198.51.100.7", "2001:db8::1", "::ffff:198.51.100.9"):
        async with from_address(harness, address) as client:
            r = await client.get("/api/v1/sessions", headers=headers)
            assert r.status_code == 200, (address, r.text)
    async with from_address(harness, "203.0.113.5") as client:
        r = await client.get("/api/v1/sessions", headers=headers)
    assert r.status_code == 403
    assert r.json()["error"] == (
        "this API key may not be used from 203.0.113.5: the address is not in its allowed_ips"
    )

    # Widened by an update (and listed), it works from there too; [] lifts the limit.
    r = await harness.client.patch(
        f"/api/v1/api-keys/{key['id']}",
        json={"allowed_ips": ["203.0.113.0/24"]},
        headers=auth(token),
    )
    assert r.status_code == 200 and r.json()["data"]["allowed_ips"] == ["203.0.113.0/24"]
    async with from_address(harness, "203.0.113.5") as client:
        assert (await client.get("/api/v1/sessions", headers=headers)).status_code == 200
    async with from_address(harness, "198.51.100.7") as client:
        assert (await client.get("/api/v1/sessions", headers=headers)).status_code == 403
    listed = await harness.client.get("/api/v1/api-keys", headers=auth(token))
    assert listed.json()["data"][0]["allowed_ips"] == ["203.0.113.0/24"]
    r = await harness.client.patch(
        f"/api/v1/api-keys/{key['id']}", json={"allowed_ips": []}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["data"]["allowed_ips"] == []
    async with from_address(harness, "198.51.100.7") as client:
        assert (await client.get("/api/v1/sessions", headers=headers)).status_code == 200


async def test_bad_networks_and_unknown_keys_are_refused(harness: Harness) -> None:
    token = await harness.user()
    for bad in (["not-an-ip"], ["10.0.0.1/8"]):
        r = await harness.client.post(
            "/api/v1/api-keys", json={"name": "x", "allowed_ips": bad}, headers=auth(token)
        )
        assert r.status_code == 422 and "is not an IP network" in r.json()["error"], r.text
    r = await harness.client.patch(
        "/api/v1/api-keys/nope", json={"allowed_ips": []}, headers=auth(token)
    )
    assert r.status_code == 404


@pytest.fixture
def proxied(request: pytest.FixtureRequest) -> list[str]:
    return list(request.param)


@pytest.fixture
async def over_uvicorn(harness: Harness, proxied: list[str]) -> AsyncIterator[str]:
    """The same app on a real uvicorn, with the options ``insightbus serve`` gives it."""
    settings = Settings(trusted_proxies=proxied)
    async with serving(harness.app, lifespan="off", **proxy_options(settings)) as url:
        yield url


@pytest.mark.parametrize("proxied", [["127.0.0.1"], ["10.0.0.0/8"]], indirect=True)
async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    harness: Harness, proxied: list[str], over_uvicorn: str
) -> None:
    token = await harness.user()
    key = await new_key(harness, token, ["198.51.100.0/24"])
    async with httpx.AsyncClient(base_url=over_uvicorn) as client:
        r = await client.get(
            "/api/v1/sessions",
            headers={"X-API-Key": key["key"], "X-Forwarded-For": "198.51.100.20"},
        )
    if proxied == ["127.0.0.1"]:  # we are the trusted proxy: the client it names counts
        assert r.status_code == 200, r.text
    else:  # an untrusted peer's header is ignored: the peer itself (loopback) is refused
        assert r.status_code == 403
        assert "127.0.0.1" in r.json()["error"]
