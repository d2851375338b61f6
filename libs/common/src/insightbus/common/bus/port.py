"""The bus port: what every service may rely on, whichever adapter runs underneath.

The contract (checked for every adapter by ``libs/common/tests/contract/test_bus.py``):
- ``publish`` returns once the bus has durably accepted the envelope.
- Every consumer group receives every envelope published to its topics, at least once,
  including envelopes published before the group first subscribed, as far as the bus
  still holds them: a log is bounded by its retention. The embedded bus drops only what
  every group reading the topic has acknowledged and is older than ``bus_retention_s``
  (7 days), so a group new to a topic gets that much of its past; Kafka keeps what the
  topic's ``retention.ms`` keeps (7 days by default), acknowledged or not.
- Envelopes with the same key reach a group in the order they were published.
- An envelope is acknowledged only after its handler returned. A handler that raises is
  retried (``max_attempts`` in all); then the envelope goes to ``<topic>.dlq`` with the
  error, is acknowledged, and the group goes on with the next one.
- A group may also give a ``batch_handler``: the envelopes the bus has in hand for one
  partition, in order, in one call (a consumer then writes them in one round trip). If it
  raises, each of those envelopes goes to ``handler`` alone, with the retries above, so a
  bad envelope is dead-lettered on its own: handlers must be idempotent (they are anyway,
  delivery being at least once).
- A ``fanout`` subscription is the exception to the above: every process that subscribes
  with it receives every envelope published *after* it started (in key order, at least
  once while it runs), and nothing is committed: it is for pushing to what this process
  holds (open sockets), where another replica has its own copy and the durable work is a
  normal group's. Its group name only labels it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from insightbus.common.events import Envelope

Handler = Callable[[Envelope], Awaitable[None]]
BatchHandler = Callable[[Sequence[Envelope]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    group: str
    topics: tuple[str, ...]
    handler: Handler
    batch_handler: BatchHandler | None = None
    fanout: bool = False


class MessageBus(Protocol):
    def subscribe(
        self,
        group: str,
        topics: Sequence[str],
        handler: Handler,
        batch_handler: BatchHandler | None = None,
        *,
        fanout: bool = False,
    ) -> None:
        """Register a consumer group (or a fan-out subscription); call before ``start``."""

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Stop consuming; handlers in flight finish first."""

    async def publish(self, topic: str, envelope: Envelope) -> None: ...

    async def publish_many(self, topic: str, envelopes: Sequence[Envelope]) -> None:
        """Publish several envelopes, in order, with one round trip where the bus allows."""

    async def healthy(self) -> bool: ...
