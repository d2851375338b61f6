"""Secret rotation with an overlap, and ticket jobs' callbacks signed with the callback secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from insightbus.common.testing.factories import eventually
from services.notifier.tests.conftest import Live, serve
from services.notifier.tests.receiver import Receiver
from services.notifier.tests.webhook_support import (
    Api,
    analysis_completed,
    fast_settings,
    tickets_classified,
    tickets_failed,
)


def verifies(secret: str, request: Any) -> bool:
    try:
        Webhook(secret).verify(request.body, request.headers)
    except WebhookVerificationError:
        return False
    return True


async def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(
    tmp_path: Path, receiver: Receiver
) -> None:
    async with (
        serve(fast_settings(tmp_path, webhook_secret_overlap_s=1.0)) as live,
        Api(live, "u1") as api,
    ):
        webhook, old = await api.create(receiver.url())
        r = await api.client.post(f"/api/v1/webhooks/{webhook['id']}/rotate-secret")
        assert r.status_code == 200, r.text
        new = r.json()["data"]["secret"]
        assert new.startswith("whsec_") and new != old
        assert r.json()["data"]["previous_secret_expires_at"] is not None
        assert (await api.webhook(webhook["id"]))["previous_secret_expires_at"] is not None

        await live.publish(analysis_completed("u1", "s1"))
        [during] = await receiver.wait_for(1)
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        assert verifies(old, during) and verifies(new, during)

        async def overlap_over() -> bool:
            return (await api.webhook(webhook["id"]))["previous_secret_expires_at"] is None

        await eventually(overlap_over, timeout=5)
        await live.publish(analysis_completed("u1", "s2"))
        _, after = await receiver.wait_for(2)
        assert len(after.headers["webhook-signature"].split(" ")) == 1
        assert verifies(new, after) and not verifies(old, after)
        assert (await api.webhook(webhook["id"]))["previous_secret_expires_at"] is None


async def test_a_job_result_goes_to_its_callback_url_signed_with_the_callback_secret(
    hooks: Live, receiver: Receiver
) -> None:
    async with Api(hooks, "u1") as api:
        # No callback secret yet: the first callback creates one, and is delivered anyway.
        await hooks.publish(tickets_classified("u1", "job1", receiver.url("/jobs")))
        [first] = await receiver.wait_for(1, "/jobs")
        payload = first.body.decode()
        assert '"event":"tickets.classified"' in payload and "callback_url" not in payload

        r = await api.client.post("/api/v1/webhooks/callback-secret")  # rotate to learn it
        assert r.status_code == 200, r.text  # 200: it existed (201 when created by the call)
        secret = r.json()["data"]["secret"]
        assert r.json()["data"]["previous_secret_expires_at"] is not None
        assert not verifies(secret, first)

        await hooks.publish(tickets_classified("u1", "job2", receiver.url("/jobs")))
        await hooks.publish(tickets_failed("u1", "job3", receiver.url("/jobs")))
        # Two jobs: their callbacks may arrive in either order.
        _, *later = await receiver.wait_for(3, "/jobs")
        results = {
            r["event"]: r for r in (Webhook(secret).verify(x.body, x.headers) for x in later)
        }
        data = results["tickets.classified"]["data"]
        assert data["session_id"] == "job2" and data["file_name"] == "tickets.csv"
        assert data["total_tickets"] == 1 and data["counts_by_priority"] == {"high": 1}
        assert data["tickets"][0]["issue_key"] == "SUP-1"
        assert "user_id" not in data and "callback_url" not in data
        failure = results["tickets.failed"]["data"]
        assert failure["session_id"] == "job3" and failure["file_name"] == "broken.csv"
        assert failure["error_message"] == "no 'summary' column"


async def test_the_first_callback_secret_request_creates_it(hooks: Live) -> None:
    async with Api(hooks, "u7") as api:
        r = await api.client.post("/api/v1/webhooks/callback-secret")
        assert r.status_code == 201, r.text
        assert r.json()["data"]["secret"].startswith("whsec_")
        assert r.json()["data"]["previous_secret_expires_at"] is None
        again = await api.client.post("/api/v1/webhooks/callback-secret")
        assert again.status_code == 200
        assert again.json()["data"]["secret"] != r.json()["data"]["secret"]


async def test_a_job_result_also_goes_to_subscribed_endpoints(
    hooks: Live, receiver: Receiver
) -> None:
    async with Api(hooks, "u1") as api:
        webhook, secret = await api.create(receiver.url(), ["tickets.classified"])
        await hooks.publish(tickets_classified("u1", "job1"))  # no callback_url
        [request] = await receiver.wait_for(1)
        assert Webhook(secret).verify(request.body, request.headers)["event"] == (
            "tickets.classified"
        )
        await hooks.publish(tickets_failed("u1", "job2"))  # not an endpoint event
        await hooks.publish(tickets_classified("u1", "job2"))  # a sentinel after it (same key)
        _, last = await receiver.wait_for(2)
        assert Webhook(secret).verify(last.body, last.headers)["data"]["session_id"] == "job2"
        assert len(receiver.requests) == 2
        assert len(await api.deliveries(webhook["id"])) == 2


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest", "http://10.0.0.1/"])
async def test_an_unsafe_callback_url_is_never_called(
    hooks: Live, receiver: Receiver, url: str
) -> None:
    await hooks.publish(tickets_classified("u1", "job1", url))
    await hooks.publish(tickets_classified("u1", "job2", receiver.url("/jobs")))
    await receiver.wait_for(1, "/jobs")  # the next job's callback went out: the first did not
    assert [r.path for r in receiver.requests] == ["/jobs"]
