"""The Kafka bus adapter (aiokafka), for the distributed mode.

Same contract as every bus (see ``port.py``). Envelopes are keyed by ``Envelope.key``, so
one thing's events share a partition and stay in order. Each subscription is one consumer
in its group; within a group, partitions are handled concurrently and each partition in
order. An offset is committed only after the handler returned (at-least-once).

Kept within what the tansu test broker supports (and so, what any Kafka supports):

- no idempotent producer and no transactions: ``acks="all"`` with aiokafka's one request
  in flight per broker keeps per-partition order; a retried send may duplicate, which the
  consumers' inbox absorbs anyway;
- nothing waits on end offsets, lag or ``position()``: tansu does not report end offsets
  reliably. Progress is only ever judged by the committed offsets of what was handled;
- group joins are slow on tansu: a JoinGroup answers only after about half the session
  timeout (measured: 10 s -> 5 s, 2 s -> 1 s, never under 1 s), at every rebalance. The
  session timeout is therefore a constructor argument; tests pass a short one.

A broker that goes away and comes back (tansu's PyPI build keeps nothing: its topics are
gone too) must not stall anything behind a green health check. So: start-up waits for the
broker with backoff; a keeper re-creates missing topics every few seconds; every commit and
close is bounded in time (aiokafka would retry an unknown topic forever); and ``healthy()``
is false while the broker does not answer or a consumer has made no progress for
``stall_s`` (failed fetches or commits), true again once they recover.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError
from aiokafka.protocol.group import LeaveGroupRequest

from insightbus.common.bus.delivery import deliver, deliver_all, drain
from insightbus.common.bus.port import BatchHandler, Handler, Subscription
from insightbus.common.events import Envelope
from insightbus.common.events.topics import dead_letter
from insightbus.common.observability import metrics

log = logging.getLogger(__name__)

_TOPIC_EXISTS = TopicAlreadyExistsError.errno
_FETCH_TIMEOUT_MS = 200  # how long a fetch waits for records: bounds how late stop() is seen
_MAX_RECORDS = 500
_PAUSE_S = 1.0  # after a broker error, before trying again
_COMMIT_TIMEOUT_S = 10.0  # a commit the broker does not answer is a failed commit
_CLOSE_TIMEOUT_S = 5.0
_KEEPER_S = 3.0  # how often the topics are checked (and re-created when missing)


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
        rebalance_timeout_ms: int = 60_000,
        stop_grace_s: float = 20.0,
        startup_timeout_s: float = 120.0,
        stall_s: float = 30.0,
        fetch_max_wait_ms: int = 100,
    ) -> None:
        """``rebalance_timeout_ms`` bounds how long the group waits, at a rebalance, for
        this member to finish the envelope in hand (its handler and retries) and rejoin;
        ``stop_grace_s`` is the same bound for ``stop()`` (under Kubernetes' default 30 s
        grace, with the closing after it); ``startup_timeout_s`` how long ``start()``
        waits for the broker; ``fetch_max_wait_ms`` how long the broker may hold a fetch
        that found nothing (a broker that does not answer a waiting fetch as soon as a
        record arrives, as tansu, makes it each hop's latency: see the setting)."""
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._partitions = partitions
        self._replication = replication_factor
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._max_message_bytes = max_message_bytes
        self._session_timeout_ms = session_timeout_ms
        self._heartbeat_interval_ms = heartbeat_interval_ms
        self._rebalance_timeout_ms = rebalance_timeout_ms
        self._stop_grace_s = stop_grace_s
        self._startup_timeout_s = startup_timeout_s
        self._stall_s = stall_s
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._broker_answers = False
        self._producer_started = False
        self._keeper: asyncio.Task[None] | None = None
        self._subscriptions: list[Subscription] = []
        self._producer: AIOKafkaProducer | None = None
        self._members: list[_GroupMember] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._known_topics: set[str] = set()
        self._wanted: set[str] = set()
        self._topics_lock = asyncio.Lock()
        self._stopping = asyncio.Event()

    def subscribe(
        self,
        group: str,
        topics: Sequence[str],
        handler: Handler,
        batch_handler: BatchHandler | None = None,
        *,
        fanout: bool = False,
    ) -> None:
        if self._producer is not None:
            raise RuntimeError("subscribe before start")
        self._subscriptions.append(
            Subscription(group, tuple(topics), handler, batch_handler, fanout)
        )

    async def start(self) -> None:
        self._stopping.clear()
        try:
            await self._start_producer()
            # Created up front: a consumer subscribed to a missing topic would wait for a
            # metadata refresh, and auto-creation (where enabled) picks its own settings.
            wanted = {t for s in self._subscriptions for t in s.topics}
            self._wanted = wanted | {dead_letter(t) for t in wanted}
            await self._ensure_topics(self._wanted)
            self._members = [_GroupMember(self, sub) for sub in self._subscriptions]
            # Joins are slow on tansu (see the module docstring): do them all at once.
            await asyncio.gather(*(m.consumer.start() for m in self._members))
            await asyncio.gather(*(m.at_the_end() for m in self._members if m.sub.fanout))
        except BaseException:
            await self.stop()
            raise
        self._broker_answers = True
        self._tasks = [
            asyncio.create_task(m.run(), name=f"kafka:{m.sub.group}") for m in self._members
        ]
        self._keeper = asyncio.create_task(self._keep_topics(), name="kafka:topics")

    async def _start_producer(self) -> None:
        """Wait for the broker, with backoff: in a cluster it may start after us."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._startup_timeout_s
        delay = 0.5
        while True:
            self._producer = AIOKafkaProducer(**self._producer_options())
            try:
                await self._producer.start()
                self._producer_started = True
                return
            except KafkaError as exc:
                with contextlib.suppress(KafkaError):
                    await self._producer.stop()
                self._producer = None
                if loop.time() + delay > deadline:
                    raise
                log.warning(
                    "kafka not reachable; retrying",
                    extra={"bootstrap": self._bootstrap, "in_s": delay, "error": repr(exc)},
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _keep_topics(self) -> None:
        """Every few seconds: does the broker answer, and has it every topic we use? A
        broker that lost its topics gets them back, with our partition count."""
        while not self._stopping.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), _KEEPER_S)
                return
            producer = self._producer
            if producer is None:
                return
            try:
                if not self._producer_started:
                    await asyncio.wait_for(producer.start(), _KEEPER_S)
                    self._producer_started = True
                # A fresh answer (the client's own cache would still list lost topics).
                cluster = await asyncio.wait_for(producer.client.fetch_all_metadata(), _KEEPER_S)
                present = set(cluster.topics())
                missing = (self._wanted | self._known_topics) - present
                if missing:
                    log.warning(
                        "topics missing on the broker; creating them again",
                        extra={"topics": sorted(missing)},
                    )
                    self._known_topics -= missing
                    await asyncio.wait_for(self._ensure_topics(missing), 2 * _KEEPER_S)
                self._broker_answers = True
            except (TimeoutError, KafkaError) as exc:
                if self._broker_answers:
                    log.warning("kafka not answering", extra={"error": repr(exc)})
                    self._broker_answers = False
                    await self._abandon_unsent()
                elif not self._producer_started:
                    await self._abandon_unsent()  # a producer that failed to start: anew

    async def stop(self) -> None:
        # Each member finishes the envelope in hand and commits it; the rest of its batch
        # is fetched again, from the committed offset, by whoever owns the partition next.
        self._stopping.set()
        if self._keeper is not None:
            await asyncio.wait([self._keeper], timeout=_CLOSE_TIMEOUT_S)
            self._keeper.cancel()
            self._keeper = None
        await drain(self._tasks, self._stop_grace_s)
        for member in self._members:
            await member.close(self._producer)
        self._members.clear()
        if self._producer is not None:
            await _closed(self._producer.stop(), "producer")
            self._producer = None

    async def healthy(self) -> bool:
        """The broker answers (as the keeper last found), and no consumer has died or
        gone ``stall_s`` without progress."""
        if self._producer is None or any(task.done() for task in self._tasks):
            return False
        now = asyncio.get_running_loop().time()
        return self._broker_answers and not any(m.stalled(now) for m in self._members)

    async def publish(self, topic: str, envelope: Envelope) -> None:
        await self.publish_many(topic, [envelope])

    async def _abandon_unsent(self) -> None:
        """Fail what the producer holds unsent, and make a new one. Batches that waited
        out an outage, delivered to a broker that restarted empty (tansu), were stored as
        records nobody could read, and every consumer stopped at them. So nothing is kept
        for later: callers retry (the outbox keeps what it has not published). aiokafka
        has no public way to drop pending batches, hence its internals here."""
        old = self._producer
        if old is None:
            return
        self._producer = AIOKafkaProducer(**self._producer_options())
        self._producer_started = False
        if self._producer_started_before(old):
            old._message_accumulator.fail_all(KafkaConnectionError("kafka not answering"))
            await _closed(old._sender.close(), "producer's sender")
        await _closed(old.client.close(), "producer's connections")

    @staticmethod
    def _producer_started_before(producer: AIOKafkaProducer) -> bool:
        return getattr(producer._sender, "sender_task", None) is not None

    def _producer_options(self) -> dict[str, Any]:
        return {
            "bootstrap_servers": self._bootstrap,
            "client_id": self._client_id,
            "acks": "all",
            "enable_idempotence": False,  # tansu has no InitProducerId
            "max_request_size": self._max_message_bytes,
            "compression_type": "gzip",
        }

    async def publish_many(self, topic: str, envelopes: Sequence[Envelope]) -> None:
        producer = self._producer
        if producer is None:
            raise RuntimeError("bus not started")
        if not envelopes:
            return
        if not self._broker_answers or not self._producer_started:
            # Not queued for later (see _abandon_unsent): the caller retries.
            raise KafkaConnectionError("kafka not answering")
        if topic not in self._known_topics:
            await self._ensure_topics({topic})
        # Send all, then wait for all acks. Order per key holds: records are appended to
        # their partition's batch in this order, and aiokafka keeps one request in flight
        # per broker, so a retried batch cannot overtake a later one.
        try:
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
        except KafkaError:
            # The broker may have lost the topic (a restart without storage): the next
            # attempt (callers retry: the outbox relay, the bus's delivery) checks it first.
            self._known_topics.discard(topic)
            raise
        metrics.EVENTS_PUBLISHED.labels(topic).inc(len(envelopes))

    async def _ensure_topics(self, topics: set[str]) -> None:
        """Create missing topics with this bus's partition count, so partitioning never
        depends on a broker's auto-create defaults; a topic someone else created in the
        meantime is fine."""
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


async def _closed(closing: Coroutine[Any, Any, None], what: str) -> None:
    """Close an aiokafka client within a bound: with the broker gone, a producer would wait
    for it to flush, and a consumer's fetcher ends with its own CancelledError (in its task
    here, so it is not mistaken for the cancellation of ours)."""
    task = asyncio.ensure_future(closing)
    done, _ = await asyncio.wait([task], timeout=_CLOSE_TIMEOUT_S)
    if not done:
        log.warning("kafka %s did not close in time", what)
        task.cancel()
    elif not task.cancelled() and task.exception() is not None:
        log.debug("kafka %s closed with an error", what, exc_info=task.exception())


class _GroupMember(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    """One subscription: its consumer, its consume loop, and the rebalance hand-over."""

    def __init__(self, bus: KafkaBus, sub: Subscription) -> None:
        self.bus = bus
        self.sub = sub
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bus._bootstrap,
            client_id=f"{bus._client_id}-{sub.group}",
            # A fan-out subscription is no group: every process reads every partition,
            # from the end, and commits nothing.
            group_id=None if sub.fanout else sub.group,
            enable_auto_commit=False,
            auto_offset_reset="latest" if sub.fanout else "earliest",  # a new group: all
            max_partition_fetch_bytes=bus._max_message_bytes,
            fetch_max_bytes=max(bus._max_message_bytes, 50 * 1024 * 1024),
            fetch_max_wait_ms=bus._fetch_max_wait_ms,
            session_timeout_ms=bus._session_timeout_ms,
            heartbeat_interval_ms=bus._heartbeat_interval_ms,
            rebalance_timeout_ms=bus._rebalance_timeout_ms,
        )
        self.consumer.subscribe(list(sub.topics), listener=self)
        self._batch: asyncio.Future[list[None]] | None = None
        self._yielding = False  # partitions are being revoked: finish the record in hand
        self._failing_since: float | None = None  # first of the broker errors in a row

    def stalled(self, now: float) -> bool:
        return self._failing_since is not None and now - self._failing_since > self.bus._stall_s

    def _failed(self) -> None:
        if self._failing_since is None:
            self._failing_since = asyncio.get_running_loop().time()

    async def _commit(self, tp: TopicPartition, offset: int) -> bool:
        """Bounded: aiokafka retries a commit to a topic the broker lost for ever."""
        try:
            await asyncio.wait_for(self.consumer.commit({tp: offset}), _COMMIT_TIMEOUT_S)
        except (TimeoutError, KafkaError):
            self._failed()
            return False
        self._failing_since = None
        highwater = self.consumer.highwater(tp)
        if highwater is not None:
            metrics.CONSUMER_LAG.labels(self.sub.group, tp.topic, tp.partition).set(
                max(0, highwater - offset)
            )
        return True

    async def at_the_end(self) -> None:
        """Resolve a fan-out subscription's positions now: resolved lazily, at the first
        fetch, they would skip what is published in between."""
        wanted = {t: self.consumer.partitions_for_topic(t) for t in self.sub.topics}
        for _ in range(100):
            if all(wanted.values()) and len(self.consumer.assignment()) == sum(
                len(p or ()) for p in wanted.values()
            ):
                break
            await asyncio.sleep(0.05)
            wanted = {t: self.consumer.partitions_for_topic(t) for t in self.sub.topics}
        for tp in self.consumer.assignment():
            await self.consumer.position(tp)

    async def close(self, producer: AIOKafkaProducer | None) -> None:
        """Stop the consumer and leave the group, so that the partitions' next owner need
        not wait for this member's session to time out."""
        # aiokafka sends LeaveGroup only when the generation is > 0 (Kafka's first is 1);
        # tansu numbers a group's first generation 0. Then say it ourselves, afterwards,
        # through the producer's connection: before, the consumer would rejoin.
        coordinator = getattr(self.consumer, "_coordinator", None)
        unsaid: tuple[int, str, str] | None = None
        if coordinator is not None and getattr(coordinator, "generation", None) == 0:
            unsaid = (coordinator.coordinator_id, coordinator.group_id, coordinator.member_id)
        await _closed(self.consumer.stop(), "consumer")
        if unsaid is not None and unsaid[0] is not None and producer is not None:
            node, group, member = unsaid
            try:
                await producer.client.send(node, LeaveGroupRequest(group, member))
            except Exception:  # best effort: at worst the session times out
                log.debug("LeaveGroup failed", exc_info=True, extra=self._extra())

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        # aiokafka awaits this before it rejoins, while the old generation may still
        # commit. Finishing (and committing) the record in hand here means the partition's
        # next owner starts right after it: nothing skipped, no needless redelivery, and
        # one key not handled by two members at once (as long as this takes less than
        # rebalance_timeout_ms). No new batch is handed out until the new assignment:
        # getmany waits for it.
        batch = self._batch
        if batch is None:
            return
        self._yielding = True
        try:
            await asyncio.wait([batch])
        finally:
            self._yielding = False

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        # Positions restart from the committed offsets; nothing to do.
        return None

    async def run(self) -> None:
        while not self.bus._stopping.is_set():
            try:
                batches = await self.consumer.getmany(
                    timeout_ms=_FETCH_TIMEOUT_MS, max_records=_MAX_RECORDS
                )
            except KafkaError:
                self._failed()
                log.warning("kafka fetch failed; retrying", exc_info=True, extra=self._extra())
                await asyncio.sleep(_PAUSE_S)
                continue
            if self.sub.fanout:
                self._failing_since = None  # nothing to commit: a fetch is progress
            if not batches:
                continue
            # Partitions are independent: handle them concurrently, each one in order.
            self._batch = asyncio.gather(
                *(self._handle_partition(tp, records) for tp, records in batches.items())
            )
            try:
                await self._batch
            finally:
                self._batch = None

    async def _handle_partition(
        self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
    ) -> None:
        if self.sub.batch_handler is not None and len(records) > 1:
            await self._handle_batch(tp, records)
            return
        for record in records:
            if self.bus._stopping.is_set() or self._yielding:
                self._rewind(tp, record.offset)
                return
            try:
                await self._handle(tp, record)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Even dead-lettering failed (the broker is unwell). Rewind to this record
                # and try it again after a pause, rather than skip it.
                log.exception("delivery failed; will retry", extra=self._extra(tp, record))
                self._rewind(tp, record.offset)
                await asyncio.sleep(_PAUSE_S)
                return
            if self.sub.fanout:
                continue
            if not await self._commit(tp, record.offset + 1):
                # The group moved on without us (CommitFailedError), the partition is gone,
                # or the broker does not answer: the owner resumes from the last commit and
                # handlers are idempotent. If we still own the partition, go on right after
                # this record (not after the batch).
                log.warning("commit failed", extra=self._extra(tp, record))
                self._rewind(tp, record.offset + 1)
                await asyncio.sleep(_PAUSE_S)
                return

    async def _handle_batch(
        self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
    ) -> None:
        """The partition's records in one delivery, then one commit after the last."""
        if self.bus._stopping.is_set() or self._yielding:
            self._rewind(tp, records[0].offset)
            return
        envelopes = [e for r in records if (e := self._readable(tp, r)) is not None]
        try:
            await deliver_all(
                self.sub,
                envelopes,
                topic=tp.topic,
                publish=self.bus.publish,
                max_attempts=self.bus._max_attempts,
                backoff_s=self.bus._backoff_s,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery failed; will retry", extra=self._extra(tp, records[0]))
            self._rewind(tp, records[0].offset)
            await asyncio.sleep(_PAUSE_S)
            return
        if self.sub.fanout:
            return
        if not await self._commit(tp, records[-1].offset + 1):
            # As for one record: the owner resumes from the last commit; if we still own
            # the partition, go on after the batch.
            log.warning("commit failed", extra=self._extra(tp, records[-1]))
            self._rewind(tp, records[-1].offset + 1)
            await asyncio.sleep(_PAUSE_S)

    def _readable(
        self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]
    ) -> Envelope | None:
        try:
            return Envelope.from_bytes(record.value or b"")
        except ValueError:
            # Not ours to fix and never readable: skip it (and commit) rather than block.
            log.exception("unreadable record skipped", extra=self._extra(tp, record))
            return None

    async def _handle(self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        envelope = self._readable(tp, record)
        if envelope is None:
            return
        await deliver(
            self.sub.handler,
            envelope,
            topic=tp.topic,
            group=self.sub.group,
            publish=self.bus.publish,
            max_attempts=self.bus._max_attempts,
            backoff_s=self.bus._backoff_s,
        )

    def _rewind(self, tp: TopicPartition, offset: int) -> None:
        """The fetch position is already past the whole batch: move it back to the first
        record not handled, or the rest of the batch would be skipped (and committed over
        by the next record's commit)."""
        # Raises if the partition was revoked meanwhile (IllegalStateError, or an
        # AssertionError mid-rebalance); its next assignment starts from the commit anyway.
        with contextlib.suppress(KafkaError, AssertionError):
            self.consumer.seek(tp, offset)

    def _extra(
        self, tp: TopicPartition | None = None, record: ConsumerRecord[bytes, bytes] | None = None
    ) -> dict[str, object]:
        extra: dict[str, object] = {"group": self.sub.group}
        if tp is not None:
            extra |= {"topic": tp.topic, "partition": tp.partition}
        if record is not None:
            extra["offset"] = record.offset
        return extra
