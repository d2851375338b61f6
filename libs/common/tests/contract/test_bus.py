"""The bus contract (see ``bus/port.py``), run against every adapter.

Every test names its own topics and groups, so tests share one broker without seeing each
other. Waiting is always for a condition, with a deadline. Where a test must show that
something did *not* happen (a redelivery, a dead letter), it relies on per-key order: it
sends a last envelope with the same key and, once that one arrived, anything that was
going to come before it has come.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from insightbus.common.bus import MessageBus
from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.bus.kafka import KafkaBus
from insightbus.common.events import Envelope
from insightbus.common.events.topics import dead_letter
from insightbus.common.testing.servers import kafka_timeouts

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Adapter:
    make: Callable[[], MessageBus]
    # A new instance sees the same log and the same committed offsets.
    durable: bool
    # Several instances may join one group and share its partitions.
    shared_groups: bool = False


@pytest.fixture(
    params=["embedded-memory", "embedded-file", pytest.param("kafka", marks=pytest.mark.kafka)]
)
def adapter(request: pytest.FixtureRequest, tmp_path: Path) -> Adapter:
    options = {"partitions": 3, "max_attempts": MAX_ATTEMPTS, "backoff_s": 0.01}
    if request.param == "embedded-memory":
        return Adapter(lambda: EmbeddedBus(None, **options), durable=False)
    if request.param == "embedded-file":
        path = tmp_path / "bus.db"
        return Adapter(lambda: EmbeddedBus(path, **options), durable=True)
    bootstrap: str = request.getfixturevalue("kafka_bootstrap")
    timeouts = kafka_timeouts()  # the broker in use: tansu, or a real Kafka
    return Adapter(
        lambda: KafkaBus(bootstrap, **options, **timeouts), durable=True, shared_groups=True
    )


def needs_durable(adapter: Adapter) -> None:
    if not adapter.durable:
        pytest.skip("an in-memory bus does not outlive its instance")


@pytest.fixture
def names() -> Callable[[str], str]:
    run = uuid.uuid4().hex[:8]
    return lambda name: f"test.{name}.{run}"


Start = Callable[[MessageBus], Awaitable[MessageBus]]


@pytest.fixture
async def running() -> AsyncIterator[Start]:
    """Starts buses and stops whatever is still running at the end."""
    started: list[MessageBus] = []

    async def start(bus: MessageBus) -> MessageBus:
        await bus.start()
        started.append(bus)
        return bus

    yield start
    for bus in reversed(started):
        await bus.stop()


def envelope(key: str, n: int) -> Envelope:
    return Envelope(type="test.happened", version=1, source="tests", key=key, data={"n": n})


async def eventually(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


class Recorder:
    """A handler that records what it handled. It can fail on chosen envelopes, hold one
    until released, and take a little random time (so that handling envelopes of one
    partition concurrently would show up as disorder)."""

    def __init__(
        self,
        *,
        fail_times: dict[int, int] | None = None,
        hold: int | None = None,
        jitter_s: float = 0.0,
    ) -> None:
        self.seen: list[Envelope] = []
        self.attempts: dict[int, int] = {}
        self._fail_times = fail_times or {}
        self._hold = hold
        self._jitter_s = jitter_s
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, e: Envelope) -> None:
        n = int(e.data["n"])
        self.attempts[n] = self.attempts.get(n, 0) + 1
        if self._jitter_s:
            await asyncio.sleep(random.uniform(0, self._jitter_s))
        if n == self._hold:
            self.holding.set()
            await self.release.wait()
        if self.attempts[n] <= self._fail_times.get(n, 0):
            raise ValueError(f"handler failed on {n}")
        self.seen.append(e)

    @property
    def numbers(self) -> list[int]:
        return [int(e.data["n"]) for e in self.seen]


async def test_published_envelopes_reach_a_subscriber(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("delivery")
    got = Recorder()
    bus = adapter.make()
    bus.subscribe(names("group"), [topic], got)
    await running(bus)
    assert await bus.healthy()
    sent = envelope("k", 1)
    await bus.publish(topic, sent)
    await eventually(lambda: got.numbers == [1], "the envelope")
    assert got.seen == [sent]  # every field survives the trip


async def test_envelopes_published_before_the_group_subscribed_are_delivered(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    needs_durable(adapter)
    topic = names("earliest")
    producer = await running(adapter.make())  # no subscriber: the topic is new to the bus
    await producer.publish_many(topic, [envelope("k", i) for i in range(3)])
    await producer.stop()

    got = Recorder()
    bus = adapter.make()
    bus.subscribe(names("late-group"), [topic], got)
    await running(bus)
    await eventually(lambda: got.numbers == [0, 1, 2], "the earlier envelopes, in order")


async def test_every_group_gets_every_envelope(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("groups")
    first, second = Recorder(), Recorder()
    bus = adapter.make()
    bus.subscribe(names("first"), [topic], first)
    bus.subscribe(names("second"), [topic], second)
    await running(bus)
    await bus.publish_many(topic, [envelope(f"k{i}", i) for i in range(12)])
    await eventually(lambda: len(first.seen) >= 12 and len(second.seen) >= 12, "both groups")
    assert sorted(first.numbers) == sorted(second.numbers) == list(range(12))


async def test_one_keys_envelopes_arrive_in_publish_order(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("order")
    got = Recorder(jitter_s=0.002)
    bus = adapter.make()
    bus.subscribe(names("group"), [topic], got)
    await running(bus)
    keys = [f"session-{k}" for k in range(12)]  # spread over every partition
    published: dict[str, list[int]] = {key: [] for key in keys}
    sent = [envelope(keys[i % len(keys)], i) for i in range(120)]
    for e in sent:
        published[e.key].append(int(e.data["n"]))
    # One at a time, then in batches: a consumer then also gets several records of a
    # partition at once, which it must not handle concurrently.
    for e in sent[:24]:
        await bus.publish(topic, e)
    for start in range(24, 120, 48):
        await bus.publish_many(topic, sent[start : start + 48])
    await eventually(lambda: len(got.seen) >= 120, "120 envelopes")
    for key in keys:
        assert [int(e.data["n"]) for e in got.seen if e.key == key] == published[key], key


async def test_a_failing_handler_is_retried_until_it_succeeds(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("retry")
    got = Recorder(fail_times={1: MAX_ATTEMPTS - 1})  # succeeds on its last attempt
    letters = Recorder()
    bus = adapter.make()
    bus.subscribe(names("group"), [topic], got)
    bus.subscribe(names("dlq-watch"), [dead_letter(topic)], letters)
    await running(bus)
    await bus.publish(topic, envelope("k", 1))
    await eventually(lambda: got.numbers == [1], "the envelope, after retries")
    assert got.attempts[1] == MAX_ATTEMPTS
    # A dead letter for it would have been published before the success; a marker sent to
    # the dead-letter topic now, with the same key, arrives after it.
    await bus.publish(dead_letter(topic), envelope("k", 99))
    await eventually(lambda: 99 in letters.numbers, "the marker")
    assert letters.numbers == [99]


async def test_a_poison_envelope_is_dead_lettered_and_the_rest_go_on(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic, group = names("poison"), names("group")
    got = Recorder(fail_times={1: 99})
    letters: list[Envelope] = []

    async def watch(e: Envelope) -> None:
        letters.append(e)

    bus = adapter.make()
    bus.subscribe(group, [topic], got)
    bus.subscribe(names("dlq-watch"), [dead_letter(topic)], watch)
    await running(bus)
    sent = [envelope("same-key", i) for i in range(4)]
    await bus.publish_many(topic, sent)
    await eventually(lambda: got.numbers == [0, 2, 3], "the envelopes after the poison one")
    assert got.attempts[1] == MAX_ATTEMPTS

    await bus.publish(dead_letter(topic), envelope("same-key", 99))  # see the retry test
    await eventually(lambda: any(e.data.get("n") == 99 for e in letters), "the marker")
    assert len(letters) == 2, "exactly one dead letter"
    letter = letters[0]
    assert letter.type == "dead_letter" and letter.key == "same-key"
    assert letter.data["envelope"] == sent[1].model_dump(mode="json")
    assert Envelope.model_validate(letter.data["envelope"]) == sent[1]
    assert "handler failed on 1" in letter.data["error"]
    assert letter.data["topic"] == topic and letter.data["group"] == group


async def test_stop_lets_the_handler_in_flight_finish(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("stop")
    got = Recorder(hold=1)
    bus = adapter.make()
    bus.subscribe(names("group"), [topic], got)
    await running(bus)
    await bus.publish_many(topic, [envelope("k", i) for i in range(4)])
    await eventually(got.holding.is_set, "the handler to take envelope 1")

    stopping = asyncio.create_task(bus.stop())
    await asyncio.sleep(0)  # stop() starts, and can only wait: the handler holds envelope 1
    assert not stopping.done()
    got.release.set()
    async with asyncio.timeout(15):
        await stopping
    assert got.numbers[:2] == [0, 1]
    assert got.attempts[1] == 1, "the handler was interrupted, not left to finish"
    assert not await bus.healthy()


async def test_a_restart_redelivers_nothing_acknowledged_and_loses_nothing(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    needs_durable(adapter)
    topic, group = names("restart"), names("group")
    # 1 fails on every attempt (dead-lettered, so acknowledged); 3 is in flight at stop.
    first = Recorder(fail_times={1: 99}, hold=3)
    bus = adapter.make()
    bus.subscribe(group, [topic], first)
    await running(bus)
    await bus.publish_many(topic, [envelope("k", i) for i in range(6)])
    await eventually(first.holding.is_set, "the handler to take envelope 3")
    stopping = asyncio.create_task(bus.stop())
    await asyncio.sleep(0)  # stop() under way while envelope 3 is in flight
    first.release.set()
    async with asyncio.timeout(15):
        await stopping
    assert first.numbers[:3] == [0, 2, 3]

    producer = await running(adapter.make())  # while nobody of the group listens
    await producer.publish_many(topic, [envelope("k", i) for i in (6, 7)])
    await producer.stop()

    second = Recorder()
    again = adapter.make()
    again.subscribe(group, [topic], second)
    await running(again)
    await eventually(lambda: 7 in second.numbers, "the last envelope")
    acknowledged = {*first.numbers, 1}
    assert second.numbers == [n for n in range(8) if n not in acknowledged]


async def test_publish_many_keeps_order(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("batch")
    got = Recorder(jitter_s=0.002)
    bus = adapter.make()
    bus.subscribe(names("group"), [topic], got)
    await running(bus)
    await bus.publish_many(topic, [envelope("one-key", i) for i in range(50)])
    await bus.publish_many(topic, [])
    await eventually(lambda: len(got.seen) >= 50, "50 envelopes")
    assert got.numbers == list(range(50))


async def test_members_joining_and_leaving_a_group_lose_nothing_and_keep_key_order(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    if not adapter.shared_groups:
        pytest.skip("the embedded bus has one consumer per group, by design")
    topic, group = names("rebalance"), names("group")
    handled: list[Envelope] = []
    by_member: dict[str, int] = {"a": 0, "b": 0}

    def member(name: str) -> Callable[[Envelope], Awaitable[None]]:
        async def handle(e: Envelope) -> None:
            await asyncio.sleep(0.005)  # slow enough for a rebalance to catch some in flight
            handled.append(e)
            by_member[name] += 1

        return handle

    keys = [f"k{k}" for k in range(9)]
    count = 0

    async def publish(bus: MessageBus, how_many: int) -> None:
        nonlocal count
        batch = [envelope(keys[i % len(keys)], i) for i in range(count, count + how_many)]
        count += how_many
        await bus.publish_many(topic, batch)

    a = adapter.make()
    a.subscribe(group, [topic], member("a"))
    await running(a)
    await publish(a, 150)
    b = adapter.make()
    b.subscribe(group, [topic], member("b"))
    await running(b)  # a rebalance, likely while a is busy
    await publish(b, 150)
    await eventually(lambda: by_member["b"] > 0, "the new member to get a share")
    await a.stop()  # another rebalance
    await publish(b, 150)

    def numbers() -> set[int]:
        return {int(e.data["n"]) for e in handled}

    await eventually(lambda: numbers() == set(range(count)), "every envelope", timeout=30)
    for key in keys:
        firsts = list(dict.fromkeys(int(e.data["n"]) for e in handled if e.key == key))
        assert firsts == sorted(firsts), key


class BatchRecorder:
    """A batch handler: records each batch it was handed; fails on batches holding a
    chosen envelope (the one-envelope handler then gets each of them)."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[Envelope]] = []
        self._fail_on = fail_on

    async def __call__(self, envelopes: Sequence[Envelope]) -> None:
        if any(e.data["n"] == self._fail_on for e in envelopes):
            raise ValueError(f"batch failed on {self._fail_on}")
        self.batches.append(list(envelopes))

    @property
    def numbers(self) -> list[int]:
        return [int(e.data["n"]) for batch in self.batches for e in batch]


async def test_a_batch_handler_gets_every_envelope_in_key_order(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("batches")
    one, batches = Recorder(), BatchRecorder()
    bus = adapter.make()
    bus.subscribe(names("group"), [topic], one, batches)
    await running(bus)
    sent = [envelope(f"session-{i % 4}", i) for i in range(60)]
    await bus.publish_many(topic, sent)
    await eventually(lambda: len(batches.numbers) + len(one.numbers) >= 60, "every envelope, once")
    assert sorted(batches.numbers + one.numbers) == list(range(60))
    # Several envelopes of a partition came in one call (a batch of one goes to `one`).
    assert any(len(batch) > 1 for batch in batches.batches)
    for key in {e.key for e in sent}:
        got = [e for batch in batches.batches for e in batch if e.key == key]
        assert [e.data["n"] for e in got] == sorted(e.data["n"] for e in got), key


async def test_a_failing_batch_is_delivered_one_by_one_and_only_the_poison_is_dead_lettered(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("batch-poison")
    one, batches = Recorder(fail_times={2: 99}), BatchRecorder(fail_on=2)
    letters: list[Envelope] = []

    async def watch(e: Envelope) -> None:
        letters.append(e)

    bus = adapter.make()
    bus.subscribe(names("group"), [topic], one, batches)
    bus.subscribe(names("dlq-watch"), [dead_letter(topic)], watch)
    await running(bus)
    await bus.publish_many(topic, [envelope("same-key", i) for i in range(5)])
    # The batch holding 2 failed: its envelopes went to the one-envelope handler, in order.
    await eventually(lambda: 4 in one.numbers + batches.numbers, "the last envelope")
    assert sorted(one.numbers + batches.numbers) == [0, 1, 3, 4]
    assert one.attempts[2] == MAX_ATTEMPTS
    await bus.publish(dead_letter(topic), envelope("same-key", 99))
    await eventually(lambda: any(e.data.get("n") == 99 for e in letters), "the marker")
    assert [e.data["envelope"]["data"]["n"] for e in letters[:-1]] == [2]


async def test_a_fanout_subscription_gets_what_comes_after_it_started_in_every_instance(
    adapter: Adapter, names: Callable[[str], str], running: Start
) -> None:
    topic = names("fanout")
    if adapter.durable:
        producer = await running(adapter.make())
        await producer.publish(topic, envelope("k", 0))  # before: not for a fan-out
        await producer.stop()
    copies = [Recorder() for _ in range(2 if adapter.shared_groups else 1)]
    buses = []
    for copy in copies:  # each instance stands for a process (a replica)
        bus = adapter.make()
        bus.subscribe(names("live"), [topic], copy, fanout=True)
        buses.append(await running(bus))
    await buses[0].publish_many(topic, [envelope("k", n) for n in (1, 2, 3)])
    for copy in copies:
        # Same key: an envelope from before would have come first.
        await eventually(lambda copy=copy: copy.numbers[-1:] == [3], "each instance's copy")
        assert copy.numbers == [1, 2, 3]
    if adapter.durable:
        # Nothing was committed under the fan-out's name: a group of that name reads all.
        late = Recorder()
        bus = adapter.make()
        bus.subscribe(names("live"), [topic], late)
        await running(bus)
        await eventually(lambda: late.numbers == [0, 1, 2, 3], "everything, for a real group")
