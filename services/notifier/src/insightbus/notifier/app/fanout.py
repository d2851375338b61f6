"""Bus events -> persisted deliveries: one per matching enabled endpoint of the event's user,
and one to a ticket job's ``callback_url``.

A delivery's id derives from the envelope id and its target, so the bus delivering the same
envelope again inserts nothing new. The body is fixed here, once: every attempt sends (and
signs) the same bytes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from insightbus.common.events import Envelope, Event
from insightbus.common.urls import UnsafeUrl, check_url_syntax
from insightbus.notifier.app.ports import WebhookRecords
from insightbus.notifier.domain.webhooks import body, callback, delivery_id, webhook_event

log = logging.getLogger(__name__)


class WebhookFanout:
    def __init__(
        self,
        store: WebhookRecords,
        wake: Callable[[], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._wake = wake
        self._clock = clock

    async def __call__(self, envelope: Envelope, event: Event) -> None:
        user_id = getattr(event, "user_id", None)
        if not isinstance(user_id, str):
            return
        added = 0
        subscribed = webhook_event(event)
        if subscribed is not None:
            name, build_data = subscribed
            endpoints = await self._store.subscribers(user_id, name)
            # Only now: a finished ticket job's body can run to megabytes.
            text = body(name, build_data(), envelope) if endpoints else ""
            for endpoint in endpoints:
                added += await self._add(envelope, user_id, name, text, endpoint["id"], None)
        job = callback(event)
        if job is not None:
            url, name, data = job
            try:
                url = check_url_syntax(url)
            except UnsafeUrl as exc:  # the gateway checks it too: this is a bug upstream
                log.warning("callback_url of job %s refused: %s", envelope.key, exc)
            else:
                await self._store.ensure_callback_keys(user_id, self._clock())
                added += await self._add(
                    envelope, user_id, name, body(name, data, envelope), None, url
                )
        if added:
            self._wake()

    async def _add(
        self,
        envelope: Envelope,
        user_id: str,
        event: str,
        text: str,
        endpoint_id: str | None,
        url: str | None,
    ) -> int:
        now = self._clock()
        added = await self._store.add_delivery(
            {
                "id": delivery_id(envelope.id, endpoint_id or "callback"),
                "endpoint_id": endpoint_id,
                "url": url,
                "user_id": user_id,
                "event": event,
                "body": text,
                "status": "pending",
                "attempts": 0,
                "retries": 0,
                "lease": None,
                "next_attempt_at": now,
                "last_attempt_at": None,
                "response_status": None,
                "last_error": None,
                "created_at": now,
                "delivered_at": None,
            }
        )
        return int(added)
