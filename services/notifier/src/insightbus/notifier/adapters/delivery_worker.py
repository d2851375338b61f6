"""The delivery worker: sends what is due, records each attempt, schedules the retries.

Everything it needs is in the store, so a restart loses nothing: on start it sends what
is due, then sleeps until the next delivery is due or until woken (a new delivery, a
redelivery, a finished attempt). Attempts run concurrently, each under a lease (see
``store.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter

from insightbus.common.events import new_id
from insightbus.common.retention import expires_after
from insightbus.common.store import EXPIRE_AT, Document
from insightbus.notifier.adapters.sender import Attempt, Sender
from insightbus.notifier.adapters.webhook_store import WebhookStore
from insightbus.notifier.domain import signing
from insightbus.notifier.domain.retry import MAX_RETRY_AFTER_S, backoff

log = logging.getLogger(__name__)

ATTEMPTS = Counter(
    "insightbus_webhook_attempts_total", "Webhook delivery attempts by outcome", ["outcome"]
)
POLL_S = 5.0  # at the latest, look again (other replicas may have added deliveries)
LEASE_MARGIN_S = 30.0

Notify = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class WorkerPolicy:
    schedule: tuple[float, ...]
    timeout_s: float
    disable_after_s: float
    concurrency: int = 32
    retention_s: float = 30 * 24 * 3600  # how long an ended delivery stays in the log


@dataclass(frozen=True)
class _Target:
    url: str
    keys: list[str]
    endpoint: Document | None  # None for a job's callback


class DeliveryWorker:
    def __init__(
        self,
        store: WebhookStore,
        sender: Sender,
        policy: WorkerPolicy,
        notify: Notify,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._sender = sender
        self._policy = policy
        self._notify = notify
        self._rng = rng or random.Random()
        self._wakeup = asyncio.Event()
        self._inflight: dict[str, asyncio.Task[None]] = {}
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="webhook-deliveries")

    def wake(self) -> None:
        self._wakeup.set()

    async def stop(self) -> None:
        tasks = [t for t in (self._loop, *self._inflight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._sender.aclose()

    async def _run(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                await self._start_due()
                wait = await self._until_next()
            except Exception:
                log.exception("webhook worker: store unavailable")
                wait = 1.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), wait)

    async def _start_due(self) -> None:
        free = self._policy.concurrency - len(self._inflight)
        if free <= 0:
            return  # a finished attempt wakes the loop
        for doc in await self._store.due(time.time(), free):
            # Claimed here, before the next look: a claimed delivery is no longer due.
            lease, started = new_id(), time.time()
            until = started + self._policy.timeout_s + LEASE_MARGIN_S
            if not await self._store.claim(doc, lease, until):
                continue  # another worker has it
            task = asyncio.create_task(self._attempt(doc, lease, started))
            # By lease, not delivery id: a delivery redelivered by hand mid-attempt has two
            # attempts, and each must count against the concurrency and be seen by stop().
            self._inflight[lease] = task
            task.add_done_callback(functools.partial(self._done, lease, doc["id"]))

    def _done(self, lease: str, delivery_id: str, task: asyncio.Task[None]) -> None:
        self._inflight.pop(lease, None)
        if not task.cancelled() and (error := task.exception()) is not None:
            # The store failed us: the lease runs out and the delivery is due again.
            log.error("webhook delivery %s: attempt broke", delivery_id, exc_info=error)
        self._wakeup.set()

    async def _until_next(self) -> float:
        if len(self._inflight) >= self._policy.concurrency:
            return POLL_S
        due_at = await self._store.next_due_at()
        return POLL_S if due_at is None else min(max(due_at - time.time(), 0.0), POLL_S)

    async def _attempt(self, doc: Document, lease: str, started: float) -> None:
        try:
            target = await self._target(doc, started)
            if isinstance(target, str):
                await self._settle(doc, lease, started, Attempt(None, target), final=True)
                return
            timestamp = int(time.time())
            headers = {
                "content-type": "application/json",
                "webhook-id": doc["id"],
                "webhook-timestamp": str(timestamp),
                "webhook-signature": signing.signature_header(
                    target.keys, doc["id"], timestamp, doc["body"]
                ),
            }
            attempt = await self._sender.post(target.url, headers, doc["body"].encode())
        except asyncio.CancelledError:
            # Stopping: hand the delivery back, due now, for the next start.
            await self._store.settle(doc["id"], lease, {"next_attempt_at": time.time()})
            raise
        await self._settle(doc, lease, started, attempt, endpoint=target.endpoint)

    async def _target(self, doc: Document, now: float) -> _Target | str:
        """Where and with which keys to send, or why the delivery cannot be sent."""
        if doc.get("endpoint_id") is None:
            keys = await self._store.callback_keys(doc["user_id"])
            if keys is None:  # created with the delivery; only a manual purge removes it
                return "the callback secret is gone"
            return _Target(doc["url"], signing.signing_keys(keys, now), None)
        endpoint = await self._store.endpoints.get(doc["endpoint_id"])
        if endpoint is None:
            return "the webhook was deleted"
        if not endpoint["enabled"]:
            return f"the webhook is disabled ({endpoint.get('disabled_reason') or 'no reason'})"
        return _Target(endpoint["url"], signing.signing_keys(endpoint, now), endpoint)

    async def _settle(
        self,
        doc: Document,
        lease: str,
        started: float,
        attempt: Attempt,
        *,
        endpoint: Document | None = None,
        final: bool = False,
    ) -> None:
        now = time.time()
        changes: dict[str, Any] = {
            "response_status": attempt.status_code,
            "last_error": attempt.error,
        }
        if not final:
            changes["attempts"] = int(doc.get("attempts", 0)) + 1
            changes["last_attempt_at"] = started
        ended = expires_after(self._policy.retention_s)
        if attempt.delivered:
            outcome = "delivered"
            changes.update(status="delivered", delivered_at=now, next_attempt_at=None)
            changes[EXPIRE_AT] = ended
        else:
            delay = None if final or attempt.gone else self._delay(doc, attempt)
            if delay is None:
                outcome = "failed"
                changes.update(status="failed", next_attempt_at=None)
                changes[EXPIRE_AT] = ended
            else:
                outcome = "retry"
                retries = int(doc.get("retries", 0)) + 1
                changes.update(status="pending", retries=retries, next_attempt_at=now + delay)
        ATTEMPTS.labels("skipped" if final else outcome).inc()
        if not await self._store.settle(doc["id"], lease, changes):
            return  # redelivered meanwhile: that restart stands
        if endpoint is not None:
            await self._endpoint_health(endpoint, attempt, now)

    def _delay(self, doc: Document, attempt: Attempt) -> float | None:
        retries = int(doc.get("retries", 0))
        if attempt.retry_after_s is not None and retries < len(self._policy.schedule):
            # The receiver said when: that wins over the schedule (still one of its tries).
            return min(attempt.retry_after_s, MAX_RETRY_AFTER_S)
        return backoff(retries, self._policy.schedule, self._rng)

    async def _endpoint_health(self, endpoint: Document, attempt: Attempt, now: float) -> None:
        if attempt.delivered:
            if endpoint.get("failing_since") is not None:
                await self._store.mark_healthy(endpoint["id"])
            return
        if attempt.gone:
            await self._disable(endpoint, "the receiver answered 410 Gone", now)
            return
        since = endpoint.get("failing_since")
        if since is None:
            await self._store.mark_failing(endpoint["id"], now)
        elif now - float(since) >= self._policy.disable_after_s:
            began = datetime.fromtimestamp(float(since), UTC).isoformat(timespec="seconds")
            await self._disable(endpoint, f"every delivery has failed since {began}", now)

    async def _disable(self, endpoint: Document, reason: str, now: float) -> None:
        if await self._store.disable(endpoint["id"], reason, now):
            log.info("webhook %s disabled: %s", endpoint["id"], reason)
            self._notify(
                endpoint["user_id"],
                {
                    "type": "webhook_disabled",
                    "webhook_id": endpoint["id"],
                    "url": endpoint["url"],
                    "reason": reason,
                },
            )
