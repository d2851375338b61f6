"""Bus events -> persisted deliveries: one per matching enabled endpoint of the event's user,
and one to a ticket job's ``callback_url``.

A delivery's id derives from the envelope id and its target, so the bus delivering the same
envelope again inserts nothing new. The body is fixed here, once: every attempt sends (and
signs) the same bytes.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, Final

from insightbus.common.events import Envelope, Event
from insightbus.common.events.action_items import ActionItemEvent
from insightbus.common.events.analysis import AnalysisCompleted
from insightbus.common.events.tickets import TicketsClassified, TicketsFailed
from insightbus.common.urls import UnsafeUrl, check_url_syntax
from insightbus.notifier.webhooks.store import WebhookStore

log = logging.getLogger(__name__)

_DELIVERY_IDS: Final = uuid.UUID("6f1d2c8e-3b7a-4e59-9a0f-5d2b8c1e7a43")
_JOB_PRIVATE: Final = {"user_id", "callback_url"}


def webhook_event(event: Event) -> tuple[str, Callable[[], dict[str, Any]]] | None:
    """(webhook event name, its data when asked for) for what endpoints may subscribe to,
    or None. Pure; the data is built only for an event someone subscribed to."""
    match event:
        case AnalysisCompleted():
            return "analysis.complete", lambda: event.model_dump(mode="json", exclude={"user_id"})
        case ActionItemEvent():
            return event.type, lambda: event.action_item.model_dump(mode="json")
        case TicketsClassified():
            return event.type, lambda: event.model_dump(mode="json", exclude=_JOB_PRIVATE)
    return None


def callback(event: Event) -> tuple[str, str, dict[str, Any]] | None:
    """(url, event name, data) of a ticket job's callback, or None. Pure."""
    match event:
        case TicketsClassified() | TicketsFailed() if event.callback_url:
            return (
                event.callback_url,
                event.type,
                event.model_dump(mode="json", exclude=_JOB_PRIVATE),
            )
    return None


def body(event: str, data: dict[str, Any], envelope: Envelope) -> str:
    """What receivers get: the event, its data, and when it happened."""
    return json.dumps(
        {"event": event, "data": data, "timestamp": envelope.time.isoformat()},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def delivery_id(envelope_id: str, target: str) -> str:
    return "msg_" + uuid.uuid5(_DELIVERY_IDS, f"{envelope_id}:{target}").hex


class WebhookFanout:
    def __init__(
        self,
        store: WebhookStore,
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
