"""The owner's use cases: endpoints, their secrets, the callback secret, the delivery log."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import status

from insightbus.common.events import new_id
from insightbus.common.store import Document
from insightbus.common.urls import UnsafeUrl, check_url_syntax, ensure_public
from insightbus.common.web import ApiError, conflict, not_found
from insightbus.notifier.webhooks import signing
from insightbus.notifier.webhooks.schemas import (
    NewWebhookRequest,
    WebhookChangesRequest,
    delivery_view,
    webhook_view,
)
from insightbus.notifier.webhooks.store import DeliveryStatus, WebhookStore

MAX_ENDPOINTS_PER_USER = 20


class WebhookService:
    def __init__(
        self,
        store: WebhookStore,
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

    async def create(self, user_id: str, request: NewWebhookRequest) -> tuple[dict[str, Any], str]:
        """The endpoint and its secret (which is never shown again)."""
        url = await self._safe(request.url)
        if await self._store.endpoints.count({"user_id": user_id}) >= MAX_ENDPOINTS_PER_USER:
            raise conflict(f"at most {MAX_ENDPOINTS_PER_USER} webhooks per user")
        now = self._clock()
        doc = {
            "id": new_id(),
            "user_id": user_id,
            "url": url,
            "events": list(request.events),
            "description": request.description,
            "enabled": True,
            "disabled_reason": None,
            "failing_since": None,
            **signing.rotated(None, now, 0),
            "created_at": now,
            "updated_at": now,
        }
        await self._store.endpoints.insert(doc)
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
        self, user_id: str, endpoint_id: str, request: WebhookChangesRequest
    ) -> dict[str, Any]:
        doc = await self._owned(user_id, endpoint_id)
        changes: dict[str, Any] = request.model_dump(exclude_unset=True)
        if "url" in changes:
            changes["url"] = await self._safe(changes["url"])
        if "enabled" in changes and changes["enabled"] != doc["enabled"]:
            # Re-enabled: a fresh start for the failure window; disabled: say by whom.
            changes["disabled_reason"] = None if changes["enabled"] else "disabled by its owner"
            changes["failing_since"] = None
        changes["updated_at"] = self._clock()
        await self._store.endpoints.update({"id": endpoint_id, "user_id": user_id}, changes)
        return webhook_view({**doc, **changes}, self._clock())

    async def delete(self, user_id: str, endpoint_id: str) -> None:
        if not await self._store.delete_endpoint(user_id, endpoint_id):
            raise not_found("webhook")

    async def rotate(self, user_id: str, endpoint_id: str) -> Document:
        doc = await self._owned(user_id, endpoint_id)
        now = self._clock()
        keys = signing.rotated(doc["secret"], now, self._overlap)
        await self._store.endpoints.update(
            {"id": endpoint_id, "user_id": user_id}, {**keys, "updated_at": now}
        )
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
            raise conflict("the webhook is disabled: enable it (PATCH enabled=true) first")
        restarted = await self._store.restart(endpoint_id, delivery_id, self._clock())
        if restarted is None:
            raise not_found("delivery")
        self._wake()
        return delivery_view(restarted)

    async def _owned(self, user_id: str, endpoint_id: str) -> Document:
        doc = await self._store.endpoint(user_id, endpoint_id)
        if doc is None:
            raise not_found("webhook")  # another user's answers the same as a missing one
        return doc

    async def _safe(self, url: str) -> str:
        try:
            url = check_url_syntax(url)
            await ensure_public(url, self._allowed)
        except UnsafeUrl as exc:
            raise ApiError(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                f"url refused: {exc}",
                [{"loc": ["body", "url"], "msg": str(exc), "type": "unsafe_url"}],
            ) from None
        return url
