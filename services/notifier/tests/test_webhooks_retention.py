"""The delivery log keeps an ended delivery for ``webhook_delivery_retention_s``, and one
still pending for as long as it is pending; a redelivery makes it pending again.

The store's purge runs with the test's clock (``purge_expired(now)``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from insightbus.common.store.sqlite import SqliteStore
from services.notifier.tests.conftest import serve
from services.notifier.tests.receiver import Receiver, Reply
from services.notifier.tests.webhook_support import (
    Api,
    analysis_completed,
    eventually,
    fast_settings,
)

RETENTION = timedelta(days=30)


async def test_an_ended_delivery_goes_after_its_retention_a_pending_one_stays(
    tmp_path: Path, receiver: Receiver
) -> None:
    store = SqliteStore(None, purge_interval_s=3600)  # the test purges, with its own clock
    # One retry, an hour on: a failed first attempt leaves the delivery pending.
    settings = fast_settings(
        tmp_path,
        webhook_retry_schedule_s=(3600,),
        webhook_delivery_retention_s=RETENTION.total_seconds(),
    )
    receiver.script("/down", Reply(status=503))

    async def purge(after: timedelta) -> None:
        await store.purge_expired(datetime.now(UTC) + after)

    async with serve(settings, store=store) as live, Api(live, "u1") as api:
        ended, _ = await api.create(receiver.url("/ended"))
        again, _ = await api.create(receiver.url("/again"))
        down, _ = await api.create(receiver.url("/down"))
        await live.publish(analysis_completed("u1"))
        for webhook in (ended, again):
            assert (await api.settled(webhook["id"]))["status"] == "delivered"
        await receiver.wait_for(1, "/down")

        async def statuses(webhook_id: str) -> list[str]:
            return [d["status"] for d in await api.deliveries(webhook_id)]

        await purge(RETENTION - timedelta(hours=1))
        assert await statuses(ended["id"]) == ["delivered"]  # for the whole retention

        # Sent again, and failing: pending again, with a retry an hour on.
        receiver.script("/again", Reply(status=503))
        delivery = (await api.deliveries(again["id"]))[0]
        r = await api.client.post(
            f"/api/v1/webhooks/{again['id']}/deliveries/{delivery['id']}/redeliver"
        )
        assert r.status_code == 202, r.text
        await receiver.wait_for(2, "/again")

        async def retried() -> bool:
            [d] = await api.deliveries(again["id"])
            return d["status"] == "pending" and d["attempts"] == 2

        await eventually(retried)

        await purge(RETENTION + timedelta(hours=1))
        assert await statuses(ended["id"]) == []
        # Never while a delivery may still go: pending from the start, or pending again.
        await purge(100 * RETENTION)
        assert await statuses(down["id"]) == ["pending"]
        assert await statuses(again["id"]) == ["pending"]
