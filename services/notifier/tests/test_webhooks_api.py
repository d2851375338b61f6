"""``/api/v1/webhooks`` through real HTTP: CRUD, authentication, ownership, SSRF refusals."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from insightbus.common.auth import TokenKind
from services.notifier.tests.conftest import Live, serve
from services.notifier.tests.receiver import Receiver
from services.notifier.tests.webhook_support import Api, fast_settings


async def test_an_owner_manages_their_webhooks(hooks: Live, receiver: Receiver) -> None:
    async with Api(hooks, "u1") as api:
        webhook, secret = await api.create(
            receiver.url(), ["analysis.complete", "tickets.classified"], "CRM sync"
        )
        assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) >= 24
        assert webhook["url"] == receiver.url() and webhook["enabled"] is True
        assert webhook["events"] == ["analysis.complete", "tickets.classified"]
        assert webhook["description"] == "CRM sync" and webhook["disabled_reason"] is None

        listed = (await api.client.get("/api/v1/webhooks")).json()["data"]
        assert listed["total"] == 1 and listed["items"] == [webhook]
        assert secret not in str(listed) and "secret" not in listed["items"][0]
        assert await api.webhook(webhook["id"]) == webhook

        r = await api.client.patch(
            f"/api/v1/webhooks/{webhook['id']}",
            json={"events": ["action_item.created", "action_item.created"], "description": "x"},
        )
        assert r.status_code == 200, r.text
        changed = r.json()["data"]["webhook"]
        assert changed["events"] == ["action_item.created"] and changed["description"] == "x"
        assert (await api.webhook(webhook["id"]))["events"] == ["action_item.created"]

        r = await api.client.patch(f"/api/v1/webhooks/{webhook['id']}", json={"enabled": False})
        assert r.json()["data"]["webhook"]["disabled_reason"] == "disabled by its owner"
        r = await api.client.patch(f"/api/v1/webhooks/{webhook['id']}", json={"enabled": True})
        assert r.json()["data"]["webhook"]["enabled"] is True
        assert r.json()["data"]["webhook"]["disabled_reason"] is None

        r = await api.client.delete(f"/api/v1/webhooks/{webhook['id']}")
        assert r.status_code == 200 and r.json()["data"] == {"id": webhook["id"], "deleted": True}
        assert (await api.client.get(f"/api/v1/webhooks/{webhook['id']}")).status_code == 404
        assert (await api.client.get("/api/v1/webhooks")).json()["data"]["total"] == 0


async def test_webhooks_need_an_access_token(hooks: Live) -> None:
    async with httpx.AsyncClient(base_url=hooks.http) as client:
        body = {"url": "http://127.0.0.1:9/", "events": ["analysis.complete"]}
        for headers in (
            {},
            {"Authorization": "Bearer garbage"},
            {"Authorization": f"Bearer {hooks.token('u1', TokenKind.refresh)}"},
        ):
            r = await client.post("/api/v1/webhooks", json=body, headers=headers)
            assert r.status_code == 401, r.text
            assert r.json()["success"] is False and r.headers["www-authenticate"] == "Bearer"
        assert (await client.get("/api/v1/webhooks")).status_code == 401


async def test_another_users_webhook_is_not_found(hooks: Live, receiver: Receiver) -> None:
    async with Api(hooks, "u1") as mine, Api(hooks, "u2") as theirs:
        webhook, _ = await mine.create(receiver.url())
        base = f"/api/v1/webhooks/{webhook['id']}"
        for method, path, body in (
            ("GET", base, None),
            ("PATCH", base, {"description": "mine now"}),
            ("DELETE", base, None),
            ("POST", f"{base}/rotate-secret", None),
            ("GET", f"{base}/deliveries", None),
            ("POST", f"{base}/deliveries/msg_x/redeliver", None),
        ):
            r = await theirs.client.request(method, path, json=body)
            assert r.status_code == 404, (method, path, r.text)
            assert r.json()["error"] == "webhook not found"
        assert (await theirs.client.get("/api/v1/webhooks")).json()["data"]["items"] == []
        assert (await mine.webhook(webhook["id"]))["description"] == ""


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"url": "http://127.0.0.1:9/", "events": ["analysis.started"]}, "events"),
        ({"url": "http://127.0.0.1:9/", "events": []}, "events"),
        ({"url": "http://127.0.0.1:9/"}, "events"),
        ({"events": ["analysis.complete"]}, "url"),
        ({"url": "http://127.0.0.1:9/", "events": ["analysis.complete"], "x": 1}, "x"),
        (
            {
                "url": "http://127.0.0.1:9/",
                "events": ["analysis.complete"],
                "description": "d" * 501,
            },
            "description",
        ),
    ],
)
async def test_invalid_webhooks_are_refused(
    hooks: Live, body: dict[str, object], where: str
) -> None:
    async with Api(hooks, "u1") as api:
        r = await api.client.post("/api/v1/webhooks", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation failed"
    assert any(where in d["loc"] for d in r.json()["details"])


async def test_changes_must_say_something(hooks: Live, receiver: Receiver) -> None:
    async with Api(hooks, "u1") as api:
        webhook, _ = await api.create(receiver.url())
        for body in ({}, {"events": None}, {"url": None}, {"enabled": "maybe"}):
            r = await api.client.patch(f"/api/v1/webhooks/{webhook['id']}", json=body)
            assert r.status_code == 422, (body, r.text)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://10.0.0.1/hook", "a private address"),
        ("http://[::1]:8080/hook", "a loopback address"),  # only 127.0.0.1 is allowed
        ("http://0.0.0.0:8080/", "an unspecified address"),
        ("ftp://127.0.0.1/x", "only http and https"),
        ("https://user:pw@127.0.0.1/x", "credentials"),
    ],
)
async def test_unsafe_urls_are_refused_at_creation_and_change(
    hooks: Live, receiver: Receiver, url: str, why: str
) -> None:
    async with Api(hooks, "u1") as api:
        r = await api.client.post(
            "/api/v1/webhooks", json={"url": url, "events": ["analysis.complete"]}
        )
        assert r.status_code == 422, r.text
        assert r.json()["error"].startswith("url refused:") and why in r.json()["error"]
        assert r.json()["details"][0]["loc"] == ["body", "url"]

        webhook, _ = await api.create(receiver.url())
        r = await api.client.patch(f"/api/v1/webhooks/{webhook['id']}", json={"url": url})
        assert r.status_code == 422 and why in r.json()["error"]
        assert (await api.webhook(webhook["id"]))["url"] == receiver.url()


async def test_loopback_is_refused_without_the_allow_list(tmp_path: Path) -> None:
    async with (
        serve(fast_settings(tmp_path, webhook_allowed_hosts=[])) as live,
        Api(live, "u1") as api,
    ):
        r = await api.client.post(
            "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/", "events": ["analysis.complete"]}
        )
        assert r.status_code == 422
        assert "127.0.0.1 resolves to 127.0.0.1, a loopback address" in r.json()["error"]
