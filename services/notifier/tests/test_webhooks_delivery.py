"""Webhook deliveries to a real local receiver: signatures, retries, what stops them."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError
from websockets.asyncio.client import ClientConnection, connect

from insightbus.common.events import Envelope
from insightbus.common.events.action_items import ActionItem, ActionItemCreated
from services.notifier.tests.conftest import Live, ready, receive, serve
from services.notifier.tests.receiver import Receiver, Reply
from services.notifier.tests.webhook_support import (
    SCHEDULE,
    Api,
    analysis_completed,
    eventually,
    fast_settings,
)


def verified(secret: str, request: Any) -> dict[str, Any]:
    """The body, verified by the Standard Webhooks reference library (not our code)."""
    return dict(Webhook(secret).verify(request.body, request.headers))


async def test_deliveries_are_signed_per_standard_webhooks(hooks: Live, receiver: Receiver) -> None:
    async with Api(hooks, "u1") as api:
        webhook, secret = await api.create(receiver.url(), ["analysis.complete"])
        envelope = await hooks.publish(analysis_completed("u1"))
        [request] = await receiver.wait_for(1)

    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"].startswith("msg_")
    assert abs(int(request.headers["webhook-timestamp"]) - datetime.now(UTC).timestamp()) < 5
    payload = verified(secret, request)
    assert payload == {
        "event": "analysis.complete",
        "data": {
            "session_id": "s1",
            "content_id": "c1",
            "emotions": 3,
            "topics": 2,
            "insights": 1,
            "action_items": 0,
            "duration_ms": 12.5,
            "model": "tfidf-logreg",
        },
        "timestamp": envelope.time.isoformat(),
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body.replace(b"12.5", b"99.9"), request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)

    delivery = await api_settled(hooks, webhook["id"])
    assert delivery["id"] == request.headers["webhook-id"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 1
    assert delivery["response_status"] == 200 and delivery["last_error"] is None
    assert delivery["event"] == "analysis.complete" and delivery["delivered_at"]


async def disabled_note(channel: ClientConnection) -> dict[str, Any]:
    """The next webhook_disabled message (the channel also tells of analyses completed)."""
    while True:
        message = await receive(channel)
        if message["type"] == "webhook_disabled":
            return message


async def api_settled(live: Live, webhook_id: str) -> dict[str, Any]:
    async with Api(live, "u1") as api:
        return await api.settled(webhook_id)


async def test_only_subscribed_events_of_the_owner_are_delivered(
    hooks: Live, receiver: Receiver
) -> None:
    async with Api(hooks, "u1") as api:
        actions, secret = await api.create(receiver.url("/actions"), ["action_item.created"])
        await api.create(receiver.url("/analysis"), ["analysis.complete"])
        now = datetime.now(UTC)
        item = ActionItem(
            id="a1",
            session_id="s1",
            title="Call back",
            status="open",
            source="user",
            created_at=now,
            updated_at=now,
        )
        await hooks.publish(ActionItemCreated(session_id="s1", user_id="u2", action_item=item))
        await hooks.publish(ActionItemCreated(session_id="s1", user_id="u1", action_item=item))
        [request] = await receiver.wait_for(1, "/actions")
        assert verified(secret, request)["data"]["title"] == "Call back"
        # A sentinel on the same session: once it is delivered, the events before it were
        # fanned out, and the delivery log shows what they added.
        sentinel = item.model_copy(update={"id": "a2", "title": "Sentinel"})
        await hooks.publish(ActionItemCreated(session_id="s1", user_id="u1", action_item=sentinel))
        _, last = await receiver.wait_for(2, "/actions")
        assert verified(secret, last)["data"]["title"] == "Sentinel"
        assert len(await api.deliveries(actions["id"])) == 2 and receiver.at("/analysis") == []


async def test_the_same_envelope_twice_is_delivered_once(hooks: Live, receiver: Receiver) -> None:
    async with Api(hooks, "u1") as api:
        webhook, _ = await api.create(receiver.url())
        envelope = Envelope.wrap(analysis_completed("u1"), source="analysis")
        sentinel = Envelope.wrap(analysis_completed("u1"), source="analysis")  # same session
        await hooks.bus.publish_many("insightbus.analysis.v1", [envelope, envelope, sentinel])
        requests = await receiver.wait_for(2)
        deliveries = await api.deliveries(webhook["id"])
        assert len(deliveries) == 2 and len(receiver.at("/hook")) == 2
        assert len({r.headers["webhook-id"] for r in requests}) == 2


async def test_failures_are_retried_on_schedule_with_a_stable_webhook_id(
    hooks: Live, receiver: Receiver
) -> None:
    receiver.script("/hook", Reply(500, body=b"database down"), Reply(502), Reply(200))
    async with Api(hooks, "u1") as api:
        webhook, secret = await api.create(receiver.url())
        await hooks.publish(analysis_completed("u1"))
        requests = await receiver.wait_for(3)
        delivery = await api.settled(webhook["id"])

    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    for request in requests:
        verified(secret, request)
    gaps = [b.at - a.at for a, b in itertools.pairwise(requests)]
    assert all(SCHEDULE[0] <= gap < 1.0 for gap in gaps), gaps
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    assert delivery["response_status"] == 200


async def test_a_delivery_fails_once_the_schedule_is_spent(hooks: Live, receiver: Receiver) -> None:
    receiver.script("/hook", *[Reply(500, body=b"  boom \n again ")] * 10)
    async with Api(hooks, "u1") as api:
        webhook, _ = await api.create(receiver.url())
        await hooks.publish(analysis_completed("u1"))
        delivery = await api.settled(webhook["id"])
        assert len(receiver.at("/hook")) == len(SCHEDULE) + 1
        assert delivery["status"] == "failed" and delivery["attempts"] == len(SCHEDULE) + 1
        assert delivery["response_status"] == 500
        assert delivery["last_error"] == "HTTP 500: boom again"
        assert delivery["next_attempt_at"] is None
        # A failure is not yet a reason to disable the endpoint (that takes days by default).
        endpoint = await api.webhook(webhook["id"])
        assert endpoint["enabled"] is True and endpoint["failing_since"] is not None


async def test_410_gone_disables_the_endpoint_and_tells_its_owner(
    hooks: Live, receiver: Receiver
) -> None:
    receiver.script("/hook", Reply(410))
    async with (
        Api(hooks, "u1") as api,
        connect(f"{hooks.url}/api/v1/ws/u1?token={hooks.token('u1')}") as channel,
    ):
        webhook, _ = await api.create(receiver.url())
        await api.create(receiver.url("/other"))
        await ready(channel)
        await hooks.publish(analysis_completed("u1"))
        note = await disabled_note(channel)
        assert note == {
            "type": "webhook_disabled",
            "webhook_id": webhook["id"],
            "url": receiver.url(),
            "reason": "the receiver answered 410 Gone",
        }
        endpoint = await api.webhook(webhook["id"])
        assert endpoint["enabled"] is False
        assert endpoint["disabled_reason"] == "the receiver answered 410 Gone"
        delivery = await api.settled(webhook["id"])
        assert delivery["status"] == "failed" and delivery["attempts"] == 1
        assert delivery["response_status"] == 410

        await hooks.publish(analysis_completed("u1", "s2"))  # disabled: not delivered
        await receiver.wait_for(2, "/other")  # the other endpoint's copy of it arrived
        assert len(receiver.at("/hook")) == 1 and len(await api.deliveries(webhook["id"])) == 1


async def test_an_endpoint_failing_for_too_long_is_disabled(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.script("/hook", *[Reply(503)] * 20)
    settings = fast_settings(
        tmp_path, webhook_retry_schedule_s=(0.1,) * 6, webhook_disable_after_s=0.25
    )
    async with (
        serve(settings) as live,
        Api(live, "u1") as api,
        connect(f"{live.url}/api/v1/ws/u1?token={live.token('u1')}") as channel,
    ):
        webhook, _ = await api.create(receiver.url())
        await ready(channel)
        await live.publish(analysis_completed("u1"))
        note = await disabled_note(channel)
        assert note["webhook_id"] == webhook["id"]
        assert note["reason"].startswith("every delivery has failed since ")
        endpoint = await api.webhook(webhook["id"])
        assert endpoint["enabled"] is False and endpoint["disabled_reason"] == note["reason"]
        assert 3 <= len(receiver.at("/hook")) <= 5  # 0.25 s of failures at 0.1 s intervals


async def test_retry_after_is_honoured(hooks: Live, receiver: Receiver) -> None:
    later = format_datetime(datetime.fromtimestamp(datetime.now(UTC).timestamp() + 3, UTC), True)
    receiver.script(
        "/hook",
        Reply(429, {"Retry-After": "1"}),
        Reply(503, {"Retry-After": later}),
        Reply(200),
    )
    async with Api(hooks, "u1") as api:
        webhook, _ = await api.create(receiver.url())
        await hooks.publish(analysis_completed("u1"))
        first, second, third = await receiver.wait_for(3, timeout=8)
        assert second.at - first.at >= 1.0  # not the schedule's 50 ms
        assert third.wall >= parsedate_to_datetime(later).timestamp()  # an HTTP date
        delivery = await api.settled(webhook["id"])
        assert delivery["status"] == "delivered" and delivery["attempts"] == 3


async def test_redirects_are_failures_and_never_followed(hooks: Live, receiver: Receiver) -> None:
    receiver.script("/hook", *[Reply(307, {"Location": receiver.url("/elsewhere")})] * 10)
    async with Api(hooks, "u1") as api:
        webhook, _ = await api.create(receiver.url())
        await hooks.publish(analysis_completed("u1"))
        delivery = await api.settled(webhook["id"])
    assert delivery["status"] == "failed" and delivery["response_status"] == 307
    assert (
        delivery["last_error"] == f"HTTP 307 redirect to {receiver.url('/elsewhere')} not followed"
    )
    assert receiver.at("/elsewhere") == []


async def test_timeouts_and_refused_connections_are_failures(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/hook"
    hanging = asyncio.Event()

    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hanging.wait()  # reads nothing, answers nothing
        writer.close()

    server = await asyncio.start_server(slow, "127.0.0.1", 0)
    slow_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    settings = fast_settings(tmp_path, webhook_retry_schedule_s=(), webhook_timeout_s=0.3)
    try:
        async with serve(settings) as live, Api(live, "u1") as api:
            refused, _ = await api.create(closed)
            timing_out, _ = await api.create(slow_url)
            await live.publish(analysis_completed("u1"))
            first = await api.settled(refused["id"])
            second = await api.settled(timing_out["id"])
    finally:
        hanging.set()
        server.close()
    assert first["status"] == "failed" and first["response_status"] is None
    assert first["last_error"].startswith("connection failed")
    assert second["status"] == "failed" and second["last_error"] == "timed out after 0.3 s"


async def test_the_address_is_checked_again_at_delivery_time(
    hooks: Live, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to an allowed address when the webhook is created
    and to a private one when it is delivered. The connection never happens."""
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    answers = iter(["127.0.0.1"] + ["10.0.0.1"] * 10)

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return await real(host, port, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    async with Api(hooks, "u1") as api:
        webhook, _ = await api.create(f"http://rebind.test:{receiver.port}/hook")
        await hooks.publish(analysis_completed("u1"))
        delivery = await api.settled(webhook["id"])
    assert delivery["status"] == "failed" and delivery["attempts"] == len(SCHEDULE) + 1
    assert delivery["last_error"] == (
        "refused: rebind.test resolves to 10.0.0.1, a private address; "
        "only public hosts are allowed"
    )
    assert receiver.requests == []


async def test_the_delivery_log_pages_and_a_delivery_can_be_sent_again(
    hooks: Live, receiver: Receiver
) -> None:
    receiver.script("/hook", *[Reply(500)] * (len(SCHEDULE) + 1))
    async with Api(hooks, "u1") as api, Api(hooks, "u2") as other:
        webhook, secret = await api.create(receiver.url())
        await hooks.publish(analysis_completed("u1", "s1"))
        failed = await api.settled(webhook["id"])
        assert failed["status"] == "failed"
        await hooks.publish(analysis_completed("u1", "s2"))
        newest = await eventually(
            lambda: _newest_delivered(api, webhook["id"], exclude=failed["id"])
        )

        page = (
            await api.client.get(
                f"/api/v1/webhooks/{webhook['id']}/deliveries", params={"limit": 1}
            )
        ).json()["data"]
        assert page["total"] == 2 and page["limit"] == 1 and page["items"] == [newest]
        assert [d["id"] for d in await api.deliveries(webhook["id"], status="failed")] == [
            failed["id"]
        ]
        log_text = json.dumps(await api.deliveries(webhook["id"]))
        assert secret not in log_text and "v1," not in log_text and "body" not in log_text

        path = f"/api/v1/webhooks/{webhook['id']}/deliveries/{failed['id']}/redeliver"
        assert (await other.client.post(path)).status_code == 404
        missing = f"/api/v1/webhooks/{webhook['id']}/deliveries/msg_nope/redeliver"
        assert (await api.client.post(missing)).json()["error"] == "delivery not found"
        r = await api.client.post(path)
        assert r.status_code == 202, r.text
        assert r.json()["data"]["delivery"]["status"] == "pending"
        again = await eventually(lambda: _delivered(api, webhook["id"], failed["id"]))
        assert again["attempts"] == failed["attempts"] + 1
        last = receiver.at("/hook")[-1]
        assert last.headers["webhook-id"] == failed["id"]  # receivers can deduplicate
        verified(secret, last)

        await api.client.patch(f"/api/v1/webhooks/{webhook['id']}", json={"enabled": False})
        r = await api.client.post(path)
        assert r.status_code == 409 and "disabled" in r.json()["error"]


async def _delivered(api: Api, webhook_id: str, delivery_id: str) -> dict[str, Any] | None:
    for d in await api.deliveries(webhook_id):
        if d["id"] == delivery_id and d["status"] == "delivered":
            return d
    return None


async def _newest_delivered(api: Api, webhook_id: str, exclude: str) -> dict[str, Any] | None:
    found = await api.deliveries(webhook_id)
    if found and found[0]["id"] != exclude and found[0]["status"] == "delivered":
        return found[0]
    return None
