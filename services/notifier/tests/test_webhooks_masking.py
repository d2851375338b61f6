"""A webhook delivery leaves neither the endpoint's secret nor the signature it sent in the
log or in the stored delivery record (which keeps no request headers at all)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from insightbus.common.store.sqlite import SqliteStore
from insightbus.common.testing.factories import logged_output
from services.notifier.tests.conftest import serve
from services.notifier.tests.receiver import Receiver
from services.notifier.tests.webhook_support import Api, analysis_completed, fast_settings


async def test_a_delivery_logs_and_stores_no_secret_or_signature(
    tmp_path: Path, receiver: Receiver
) -> None:
    store = SqliteStore(None)
    with logged_output() as written:
        async with (
            serve(fast_settings(tmp_path), store=store) as live,
            Api(live, "u1") as api,
        ):
            webhook, secret = await api.create(receiver.url(), ["analysis.complete"])
            await live.publish(analysis_completed("u1"))
            [request] = await receiver.wait_for(1)
            delivery = await api.settled(webhook["id"])
            # What an operator might log while debugging: masked as well.
            logging.getLogger("test").debug(
                "sent %s", dict(request.headers), extra={"headers": dict(request.headers)}
            )
            deliveries = await store.collection("webhook_deliveries")
            stored = await deliveries.find({})
        out = written()

    signature = request.headers["webhook-signature"].removeprefix("v1,")
    assert delivery["status"] == "delivered" and stored
    kept = json.dumps(stored, default=str) + json.dumps(delivery)
    assert request.headers["webhook-id"] in out  # the log line is there, masked
    for leak in (secret, secret.removeprefix("whsec_"), signature):
        assert leak not in out
        assert leak not in kept
