"""The webhook documents and every read and write of them, on the document-store port only
(so they behave alike on SQLite and MongoDB). Times are epoch seconds (floats), which both
stores compare as numbers.

- ``webhook_endpoints``: ``id``, ``user_id``, ``url``, ``events``, ``description``,
  ``enabled``, ``disabled_reason``, the signing keys (``secret``, ``previous_secret``,
  ``previous_secret_until``), ``failing_since`` (first failed attempt since the last
  success), ``created_at``, ``updated_at``.
- ``webhook_deliveries``: ``id`` (the ``webhook-id`` receivers see, the same on every
  attempt), ``endpoint_id`` (None for a job's callback, which has ``url`` instead),
  ``user_id``, ``event``, ``body`` (the exact bytes signed and sent), ``status``
  (pending, delivered, failed), ``attempts``, ``retries`` (failed attempts since the last
  (re)start, the position in the retry schedule), ``next_attempt_at``, ``lease``, the last
  attempt's ``response_status`` and ``last_error``, ``created_at``, ``delivered_at``, and
  once it has ended (delivered or failed) ``expire_at``: it expires then (a TTL index, so a
  datetime, not epoch seconds), ``webhook_delivery_retention_s`` after its end. A pending
  one has none and stays; a redelivery makes it pending again and takes it away.
- ``webhook_callback_secrets``: a user's signing keys for job callbacks, ``id`` = user id.

A worker owns a delivery while it holds its ``lease`` (a random token): claiming sets it
and pushes ``next_attempt_at`` past the attempt's timeout, so a worker that dies mid-attempt
leaves the delivery due again later, and every write after the attempt is a compare-and-set
on the token, so a manual redelivery meanwhile wins over the stale result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from insightbus.common.retention import expire_unmarked
from insightbus.common.store import (
    EXPIRE_AT,
    Collection,
    Document,
    DocumentStore,
    DuplicateKey,
    Index,
    expiry_index,
)
from insightbus.notifier.domain import signing
from insightbus.notifier.domain.webhooks import ENDED, DeliveryStatus


class WebhookStore:
    def __init__(self, endpoints: Collection, deliveries: Collection, callbacks: Collection):
        self.endpoints = endpoints
        self.deliveries = deliveries
        self._callbacks = callbacks

    @classmethod
    async def open(cls, store: DocumentStore, *, retention_s: float) -> WebhookStore:
        deliveries = await store.collection(
            "webhook_deliveries",
            [
                Index(("status", "next_attempt_at")),
                Index(("endpoint_id", "created_at")),
                expiry_index(),
            ],
        )
        # Deliveries that ended before deliveries expired go a retention from now.
        await expire_unmarked(deliveries, retention_s, {"status": {"$in": list(ENDED)}})
        return cls(
            await store.collection("webhook_endpoints", [Index(("user_id", "created_at"))]),
            deliveries,
            await store.collection("webhook_callback_secrets"),
        )

    # Endpoints

    async def count_endpoints(self, user_id: str) -> int:
        return await self.endpoints.count({"user_id": user_id})

    async def add_endpoint(self, doc: Document) -> None:
        await self.endpoints.insert(doc)

    async def change_endpoint(
        self, user_id: str, endpoint_id: str, changes: Mapping[str, Any]
    ) -> None:
        await self.endpoints.update({"id": endpoint_id, "user_id": user_id}, dict(changes))

    async def endpoint(self, user_id: str, endpoint_id: str) -> Document | None:
        return await self.endpoints.find_one({"id": endpoint_id, "user_id": user_id})

    async def endpoints_of(
        self, user_id: str, limit: int | None = None, offset: int = 0
    ) -> tuple[list[Document], int]:
        where = {"user_id": user_id}
        found = await self.endpoints.find(
            where, sort=[("created_at", 1)], limit=limit, offset=offset
        )
        return found, await self.endpoints.count(where)

    async def subscribers(self, user_id: str, event: str) -> list[Document]:
        """The user's enabled endpoints that want ``event`` (``events`` is a list: matched
        here, as SQLite's JSON filters cannot look inside one)."""
        found = await self.endpoints.find({"user_id": user_id, "enabled": True})
        return [e for e in found if event in e.get("events", ())]

    async def disable(self, endpoint_id: str, reason: str, now: float) -> bool:
        """True if this call disabled it (it was enabled)."""
        changed = await self.endpoints.update(
            {"id": endpoint_id, "enabled": True},
            {"enabled": False, "disabled_reason": reason, "updated_at": now},
        )
        return changed > 0

    async def mark_failing(self, endpoint_id: str, now: float) -> None:
        await self.endpoints.update(
            {"id": endpoint_id, "failing_since": None}, {"failing_since": now}
        )

    async def mark_healthy(self, endpoint_id: str) -> None:
        await self.endpoints.update(
            {"id": endpoint_id, "failing_since": {"$ne": None}}, {"failing_since": None}
        )

    async def delete_endpoint(self, user_id: str, endpoint_id: str) -> bool:
        if not await self.endpoints.delete({"id": endpoint_id, "user_id": user_id}):
            return False
        await self.deliveries.delete({"endpoint_id": endpoint_id})
        return True

    # Callback secrets

    async def callback_keys(self, user_id: str) -> Document | None:
        return await self._callbacks.get(user_id)

    async def ensure_callback_keys(self, user_id: str, now: float) -> None:
        """A callback is due: the user gets a secret if they have none (they rotate to
        learn it)."""
        if await self._callbacks.get(user_id) is None:
            with contextlib.suppress(DuplicateKey):  # created meanwhile
                await self._callbacks.insert(
                    {"id": user_id, **signing.rotated(None, now, 0), "created_at": now}
                )

    async def rotate_callback_keys(
        self, user_id: str, now: float, overlap_s: float
    ) -> tuple[Document, bool]:
        """The new keys, and whether they were created (rather than rotated)."""
        current = await self._callbacks.get(user_id)
        doc = {
            "id": user_id,
            **signing.rotated(current["secret"] if current else None, now, overlap_s),
            "created_at": current["created_at"] if current else now,
        }
        await self._callbacks.replace(doc)
        return doc, current is None

    # Deliveries

    async def add_delivery(self, doc: Document) -> bool:
        """False if it exists already (the same event delivered again by the bus)."""
        try:
            await self.deliveries.insert(doc)
        except DuplicateKey:
            return False
        return True

    async def deliveries_of(
        self, endpoint_id: str, status: DeliveryStatus | None, limit: int, offset: int
    ) -> tuple[list[Document], int]:
        where: dict[str, Any] = {"endpoint_id": endpoint_id}
        if status is not None:
            where["status"] = status
        found = await self.deliveries.find(
            where, sort=[("created_at", -1)], limit=limit, offset=offset
        )
        return found, await self.deliveries.count(where)

    async def due(self, now: float, limit: int) -> list[Document]:
        return await self.deliveries.find(
            {"status": "pending", "next_attempt_at": {"$lte": now}},
            sort=[("next_attempt_at", 1)],
            limit=limit,
        )

    async def next_due_at(self) -> float | None:
        first = await self.deliveries.find(
            {"status": "pending"}, sort=[("next_attempt_at", 1)], limit=1
        )
        return float(first[0]["next_attempt_at"]) if first else None

    async def claim(self, doc: Document, lease: str, until: float) -> bool:
        changed = await self.deliveries.update(
            {"id": doc["id"], "status": "pending", "lease": doc.get("lease")},
            {"lease": lease, "next_attempt_at": until},
        )
        return changed > 0

    async def settle(self, delivery_id: str, lease: str, changes: Mapping[str, Any]) -> bool:
        """Record an attempt's outcome and let the lease go; False if the lease was lost."""
        changed = await self.deliveries.update(
            {"id": delivery_id, "lease": lease}, {**changes, "lease": None}
        )
        return changed > 0

    async def restart(self, endpoint_id: str, delivery_id: str, now: float) -> Document | None:
        """Pending again, due now, with the whole retry schedule ahead (manual redelivery)."""
        changed = await self.deliveries.update(
            {"id": delivery_id, "endpoint_id": endpoint_id},
            {
                "status": "pending",
                "retries": 0,
                "next_attempt_at": now,
                "lease": None,
                EXPIRE_AT: None,  # pending again: kept until it ends again
            },
        )
        return await self.deliveries.get(delivery_id) if changed else None
