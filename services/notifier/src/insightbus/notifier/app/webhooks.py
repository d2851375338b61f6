"""The owner's use cases: endpoints, their secrets, the callback secret, the delivery log."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from insightbus.common.errors import Conflict, NotFound
from insightbus.common.events import new_id
from insightbus.common.store import Document
from insightbus.common.urls import require_public_url
from insightbus.notifier.app.ports import WebhookRecords
from insightbus.notifier.domain import signing
from insightbus.notifier.domain.webhooks import DeliveryStatus, delivery_view, webhook_view

MAX_ENDPOINTS_PER_USER = 20


class TooManyWebhooks(Conflict):
    def __init__(self) -> None:
        super().__init__(f"at most {MAX_ENDPOINTS_PER_USER} webhooks per user")


class WebhookDisabled(Conflict):
    def __init__(self) -> None:
        super().__init__("the webhook is disabled: enable it (PATCH enabled=true) first")


class Webhooks:
    def __init__(
        self,
        store: WebhookRecords,
        *,
        allowed_hosts: Sequence[str],
        secret_overlap_s: float,
        wake: Callable[[], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._allowed = tuple(allowed_hosts)
        self._overlap = secret_overlap_s
        self._wake = wake
        self._clock = clock

    async def create(
        self, user_id: str, url: str, events: Sequence[str], description: str
    ) -> tuple[dict[str, Any], str]:
        """The endpoint and its secret (which is never shown again)."""
        url = await self._safe(url)
        if await self._store.count_endpoints(user_id) >= MAX_ENDPOINTS_PER_USER:
            raise TooManyWebhooks()
        now = self._clock()
        doc = {
            "id": new_id(),
            "user_id": user_id,
            "url": url,
            "events": list(events),
            "description": description,
            "enabled": True,
            "disabled_reason": None,
            "failing_since": None,
            **signing.rotated(None, now, 0),
            "created_at": now,
            "updated_at": now,
        }
        await self._store.add_endpoint(doc)
        return webhook_view(doc, now), doc["secret"]

    async def listing(
        self, user_id: str, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        found, total = await self._store.endpoints_of(user_id, limit, offset)
        now = self._clock()
        return [webhook_view(d, now) for d in found], total

    async def get(self, user_id: str, endpoint_id: str) -> dict[str, Any]:
        return webhook_view(await self._owned(user_id, endpoint_id), self._clock())

    async def update(
        self, user_id: str, endpoint_id: str, requested: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``requested``: only the fields the owner sent (url, events, description, enabled)."""
        doc = await self._owned(user_id, endpoint_id)
        changes: dict[str, Any] = dict(requested)
        if "url" in changes:
            changes["url"] = await self._safe(changes["url"])
        if "enabled" in changes and changes["enabled"] != doc["enabled"]:
            # Re-enabled: a fresh start for the failure window; disabled: say by whom.
            changes["disabled_reason"] = None if changes["enabled"] else "disabled by its owner"
            changes["failing_since"] = None
        changes["updated_at"] = self._clock()
        await self._store.change_endpoint(user_id, endpoint_id, changes)
        return webhook_view({**doc, **changes}, self._clock())

    async def delete(self, user_id: str, endpoint_id: str) -> None:
        if not await self._store.delete_endpoint(user_id, endpoint_id):
            raise NotFound("webhook")

    async def rotate(self, user_id: str, endpoint_id: str) -> Document:
        doc = await self._owned(user_id, endpoint_id)
        now = self._clock()
        keys = signing.rotated(doc["secret"], now, self._overlap)
        await self._store.change_endpoint(user_id, endpoint_id, {**keys, "updated_at": now})
        return keys

    async def rotate_callback_secret(self, user_id: str) -> tuple[Document, bool]:
        return await self._store.rotate_callback_keys(user_id, self._clock(), self._overlap)

    async def deliveries(
        self,
        user_id: str,
        endpoint_id: str,
        status: DeliveryStatus | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        await self._owned(user_id, endpoint_id)
        found, total = await self._store.deliveries_of(endpoint_id, status, limit, offset)
        return [delivery_view(d) for d in found], total

    async def redeliver(self, user_id: str, endpoint_id: str, delivery_id: str) -> dict[str, Any]:
        endpoint = await self._owned(user_id, endpoint_id)
        if not endpoint["enabled"]:
            raise WebhookDisabled()
        restarted = await self._store.restart(endpoint_id, delivery_id, self._clock())
        if restarted is None:
            raise NotFound("delivery")
        self._wake()
        return delivery_view(restarted)

    async def _owned(self, user_id: str, endpoint_id: str) -> Document:
        doc = await self._store.endpoint(user_id, endpoint_id)
        if doc is None:
            raise NotFound("webhook")  # another user's answers the same as a missing one
        return doc

    async def _safe(self, url: str) -> str:
        return await require_public_url(url, "url", self._allowed)
