"""The transactional-outbox half that a store without cross-service transactions allows.

A service records the events of a change in its own store, in its ``outbox`` collection,
before it answers the client; a relay publishes them to the bus and then forgets them.
A crash in between publishes an event twice, never zero times: consumers deduplicate by
envelope id.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time

from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, Event
from insightbus.common.observability.logging import correlation_id as current_correlation_id
from insightbus.common.store import Collection, DocumentStore, DuplicateKey, Index

log = logging.getLogger(__name__)

_BATCH = 100


class Outbox:
    def __init__(self, collection: Collection, bus: MessageBus, *, source: str) -> None:
        self._collection = collection
        self._bus = bus
        self._source = source
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Orders entries written in the same nanosecond; time_ns orders them across restarts.
        self._counter = itertools.count()

    @classmethod
    async def create(cls, store: DocumentStore, bus: MessageBus, *, source: str) -> Outbox:
        collection = await store.collection("outbox", [Index(("seq",))])
        return cls(collection, bus, source=source)

    async def add(
        self, event: Event, *, correlation_id: str | None = None, id: str | None = None
    ) -> Envelope:
        """Record ``event`` for publishing. Pass an ``id`` derived from the cause to make
        re-recording the same fact (after a redelivery) a no-op here and downstream.
        The correlation id defaults to the one of the request or event being handled."""
        envelope = Envelope.wrap(
            event,
            source=self._source,
            correlation_id=correlation_id or current_correlation_id.get(),
            id=id,
        )
        with contextlib.suppress(DuplicateKey):
            await self._collection.insert(
                {
                    "id": envelope.id,
                    "seq": f"{time.time_ns():020d}{next(self._counter) % 1000:03d}",
                    "topic": event.topic,
                    "envelope": envelope.model_dump(mode="json"),
                }
            )
        self._wakeup.set()
        return envelope

    def start(self) -> None:
        self._task = asyncio.create_task(self._relay(), name=f"outbox:{self._source}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def flush(self) -> int:
        """Publish everything pending now; returns how many were published."""
        published = 0
        while True:
            entries = await self._collection.find(sort=[("seq", 1)], limit=_BATCH)
            for topic, group in itertools.groupby(entries, key=lambda e: str(e["topic"])):
                batch = list(group)
                envelopes = [Envelope.model_validate(e["envelope"]) for e in batch]
                await self._bus.publish_many(topic, envelopes)
                await self._collection.delete({"id": {"$in": [e["id"] for e in batch]}})
                published += len(batch)
            # A short page was all there was; what was added since has set the wakeup.
            if len(entries) < _BATCH:
                return published

    async def _relay(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The bus is down or slow: keep the entries and try again shortly.
                log.warning("outbox relay failed; retrying", exc_info=True)
                await asyncio.sleep(1.0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=5.0)
