"""The Kafka bus adapter (aiokafka), for the distributed mode.

Same contract as every bus (see ``port.py``). Envelopes are keyed by ``Envelope.key``, so
one session's events share a partition and stay in order. Offsets are committed per
partition only after the handler returned (at-least-once).

Kept within what the tansu test broker supports: no idempotent producer and no
transactions (duplicates are absorbed by idempotent consumers anyway), and nothing waits
on end offsets or lag, which tansu does not report reliably.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from insightbus.common.bus.delivery import deliver
from insightbus.common.bus.port import Handler, Subscription
from insightbus.common.events import Envelope
from insightbus.common.events.topics import dead_letter
from insightbus.common.observability import metrics

log = logging.getLogger(__name__)

_TOPIC_EXISTS = TopicAlreadyExistsError.errno


class KafkaBus:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str = "insightbus",
        partitions: int = 4,
        replication_factor: int = 1,
        max_attempts: int = 3,
        backoff_s: float = 0.2,
        max_message_bytes: int = 16 * 1024 * 1024,
        session_timeout_ms: int = 10_000,
        heartbeat_interval_ms: int = 1_000,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._partitions = partitions
        self._replication = replication_factor
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._max_message_bytes = max_message_bytes
        self._session_timeout_ms = session_timeout_ms
        self._heartbeat_interval_ms = heartbeat_interval_ms
        self._subscriptions: list[Subscription] = []
        self._producer: AIOKafkaProducer | None = None
        self._consumers: list[AIOKafkaConsumer] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._known_topics: set[str] = set()
        self._topics_lock = asyncio.Lock()
        self._stopping = asyncio.Event()

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        if self._producer is not None:
            raise RuntimeError("subscribe before start")
        self._subscriptions.append(Subscription(group, tuple(topics), handler))

    async def start(self) -> None:
        self._stopping.clear()
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=False,
            max_request_size=self._max_message_bytes,
            compression_type="gzip",
        )
        await self._producer.start()
        wanted = {t for s in self._subscriptions for t in s.topics}
        await self._ensure_topics(wanted | {dead_letter(t) for t in wanted})
        for sub in self._subscriptions:
            consumer = AIOKafkaConsumer(
                *sub.topics,
                bootstrap_servers=self._bootstrap,
                client_id=f"{self._client_id}-{sub.group}",
                group_id=sub.group,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                max_partition_fetch_bytes=self._max_message_bytes,
                fetch_max_bytes=self._max_message_bytes * 2,
                session_timeout_ms=self._session_timeout_ms,
                heartbeat_interval_ms=self._heartbeat_interval_ms,
            )
            await consumer.start()
            self._consumers.append(consumer)
            self._tasks.append(
                asyncio.create_task(self._consume(sub, consumer), name=f"kafka:{sub.group}")
            )

    async def stop(self) -> None:
        # Let each consumer finish the envelope it is handling and commit it.
        self._stopping.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=30)
            for task in pending:
                task.cancel()
            for task in self._tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._tasks.clear()
        for consumer in self._consumers:
            with contextlib.suppress(KafkaError):
                await consumer.stop()
        self._consumers.clear()
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def healthy(self) -> bool:
        producer = self._producer
        if producer is None:
            return False
        try:
            await producer.client.fetch_all_metadata()
        except KafkaError:
            return False
        return True

    async def publish(self, topic: str, envelope: Envelope) -> None:
        await self.publish_many(topic, [envelope])

    async def publish_many(self, topic: str, envelopes: Sequence[Envelope]) -> None:
        producer = self._producer
        if producer is None:
            raise RuntimeError("bus not started")
        if topic not in self._known_topics:
            await self._ensure_topics({topic})
        # Send all, then wait for all: one round trip per batch; order per key holds
        # because one producer writes them to the partition in this order.
        futures = [
            await producer.send(
                topic,
                value=e.to_bytes(),
                key=e.key.encode(),
                headers=[("event-type", e.type.encode()), ("event-id", e.id.encode())],
            )
            for e in envelopes
        ]
        await asyncio.gather(*futures)
        metrics.EVENTS_PUBLISHED.labels(topic).inc(len(envelopes))

    async def _ensure_topics(self, topics: set[str]) -> None:
        async with self._topics_lock:
            missing = topics - self._known_topics
            if not missing:
                return
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self._bootstrap, client_id=self._client_id
            )
            await admin.start()
            try:
                existing = set(await admin.list_topics())
                to_create = [
                    NewTopic(t, self._partitions, self._replication)
                    for t in sorted(missing - existing)
                ]
                if to_create:
                    try:
                        response = await admin.create_topics(to_create)
                    except TopicAlreadyExistsError:
                        response = None
                    for name, code, *_ in getattr(response, "topic_errors", ()):
                        if code not in (0, _TOPIC_EXISTS):
                            raise KafkaError(f"cannot create topic {name}: error {code}")
            finally:
                await admin.close()
            self._known_topics |= missing

    async def _consume(self, sub: Subscription, consumer: AIOKafkaConsumer) -> None:
        while not self._stopping.is_set():
            try:
                batches = await consumer.getmany(timeout_ms=200, max_records=500)
            except KafkaError:
                log.warning(
                    "kafka fetch failed; retrying", exc_info=True, extra={"group": sub.group}
                )
                await asyncio.sleep(1.0)
                continue
            # Partitions are independent: handle them concurrently, each one in order.
            await asyncio.gather(
                *(
                    self._handle_partition(sub, consumer, tp, records)
                    for tp, records in batches.items()
                )
            )

    async def _handle_partition(
        self,
        sub: Subscription,
        consumer: AIOKafkaConsumer,
        tp: TopicPartition,
        records: list[ConsumerRecord[bytes, bytes]],
    ) -> None:
        for record in records:
            try:
                envelope = Envelope.from_bytes(record.value or b"")
            except ValueError:
                log.exception(
                    "unreadable record skipped",
                    extra={"topic": tp.topic, "partition": tp.partition, "offset": record.offset},
                )
            else:
                try:
                    await deliver(
                        sub.handler,
                        envelope,
                        topic=tp.topic,
                        group=sub.group,
                        publish=self.publish,
                        max_attempts=self._max_attempts,
                        backoff_s=self._backoff_s,
                    )
                except KafkaError:
                    # Even dead-lettering failed (the broker is unwell): rewind to this
                    # record and try it again after a pause, rather than skip it.
                    log.warning("delivery failed; will retry", exc_info=True)
                    consumer.seek(tp, record.offset)
                    await asyncio.sleep(1.0)
                    return
            try:
                await consumer.commit({tp: record.offset + 1})
            except KafkaError:
                # Lost the partition in a rebalance: its new owner redelivers from the last
                # commit, and handlers are idempotent. Stop working on this batch.
                log.warning("commit failed; partition reassigned?", extra={"group": sub.group})
                return
            if self._stopping.is_set():
                return
