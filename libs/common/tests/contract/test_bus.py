"""The bus contract (see ``bus/port.py``), run against every adapter."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from insightbus.common.bus import MessageBus
from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.bus.kafka import KafkaBus
from insightbus.common.events import Envelope
from insightbus.common.events.topics import dead_letter

BusFactory = Callable[[], MessageBus]


@pytest.fixture(params=["embedded", "kafka"])
def make_bus(request: pytest.FixtureRequest, tmp_path: Path) -> BusFactory:
    """A factory: calling it again gives a new bus on the same underlying log."""
    if request.param == "embedded":
        path = tmp_path / "bus.db"
        return lambda: EmbeddedBus(path, partitions=3, backoff_s=0.01)
    bootstrap = request.getfixturevalue("kafka_bootstrap")
    return lambda: KafkaBus(bootstrap, partitions=3, backoff_s=0.01)


@pytest.fixture
def names() -> Callable[[str], str]:
    run = uuid.uuid4().hex[:8]
    return lambda name: f"test.{name}.{run}"


def envelope(key: str, n: int, **data: object) -> Envelope:
    return Envelope(type="test.happened", version=1, source="tests", key=key, data={"n": n, **data})


async def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


class Recorder:
    def __init__(self, fail_times: dict[int, int] | None = None) -> None:
        self.seen: list[Envelope] = []
        self.attempts: dict[int, int] = {}
        self._fail_times = fail_times or {}

    async def __call__(self, e: Envelope) -> None:
        n = int(e.data["n"])
        self.attempts[n] = self.attempts.get(n, 0) + 1
        if self.attempts[n] <= self._fail_times.get(n, 0):
            raise ValueError(f"handler failed on {n}")
        self.seen.append(e)

    @property
    def numbers(self) -> list[int]:
        return [int(e.data["n"]) for e in self.seen]


@pytest.fixture
async def running() -> AsyncIterator[Callable[[MessageBus], Awaitable[MessageBus]]]:
    started: list[MessageBus] = []

    async def start(bus: MessageBus) -> MessageBus:
        await bus.start()
        started.append(bus)
        return bus

    yield start
    for bus in reversed(started):
        await bus.stop()


async def test_published_envelopes_reach_a_subscriber(make_bus, names, running) -> None:
    topic = names("delivery")
    got = Recorder()
    bus = make_bus()
    bus.subscribe(names("group"), [topic], got)
    await running(bus)
    await bus.publish(topic, envelope("k", 1))
    await eventually(lambda: got.numbers == [1])
    assert got.seen[0].key == "k" and got.seen[0].type == "test.happened"


async def test_envelopes_published_before_the_group_subscribed_are_delivered(
    make_bus, names, running
) -> None:
    topic = names("earliest")
    producer = await running(make_bus())
    await producer.publish_many(topic, [envelope("k", i) for i in range(3)])
    await producer.stop()

    got = Recorder()
    bus = make_bus()
    bus.subscribe(names("late-group"), [topic], got)
    await running(bus)
    await eventually(lambda: sorted(got.numbers) == [0, 1, 2])


async def test_every_group_gets_every_envelope(make_bus, names, running) -> None:
    topic = names("groups")
    first, second = Recorder(), Recorder()
    bus = make_bus()
    bus.subscribe(names("first"), [topic], first)
    bus.subscribe(names("second"), [topic], second)
    await running(bus)
    await bus.publish_many(topic, [envelope(f"k{i}", i) for i in range(10)])
    await eventually(lambda: len(first.seen) == 10 and len(second.seen) == 10)
    assert sorted(first.numbers) == sorted(second.numbers) == list(range(10))


async def test_one_keys_envelopes_arrive_in_publish_order(make_bus, names, running) -> None:
    topic = names("order")
    got = Recorder()
    bus = make_bus()
    bus.subscribe(names("group"), [topic], got)
    await running(bus)
    keys = [f"session-{k}" for k in range(6)]
    for i in range(60):
        await bus.publish(topic, envelope(keys[i % 6], i))
    await eventually(lambda: len(got.seen) == 60)
    for key in keys:
        mine = [int(e.data["n"]) for e in got.seen if e.key == key]
        assert mine == sorted(mine) and len(mine) == 10


async def test_a_failing_handler_is_retried_until_it_succeeds(make_bus, names, running) -> None:
    topic = names("retry")
    got = Recorder(fail_times={1: 2})  # fails twice, then succeeds (3 attempts allowed)
    dead = Recorder()
    bus = make_bus()
    bus.subscribe(names("group"), [topic], got)
    bus.subscribe(names("dlq-watch"), [dead_letter(topic)], dead)
    await running(bus)
    await bus.publish(topic, envelope("k", 1))
    await eventually(lambda: got.numbers == [1])
    assert got.attempts[1] == 3
    await asyncio.sleep(0.3)
    assert dead.seen == []


async def test_a_poison_envelope_is_dead_lettered_and_the_rest_go_on(
    make_bus, names, running
) -> None:
    topic = names("poison")
    got = Recorder(fail_times={1: 99})
    letters: list[Envelope] = []

    async def watch(e: Envelope) -> None:
        letters.append(e)

    bus = make_bus()
    bus.subscribe(names("group"), [topic], got)
    bus.subscribe(names("dlq-watch"), [dead_letter(topic)], watch)
    await running(bus)
    await bus.publish_many(topic, [envelope("same-key", i) for i in range(3)])
    await eventually(lambda: got.numbers == [0, 2] and len(letters) == 1)
    assert got.attempts[1] == 3
    letter = letters[0]
    assert letter.data["envelope"]["data"]["n"] == 1
    assert "handler failed on 1" in letter.data["error"]
    assert letter.data["topic"] == topic


async def test_acknowledged_envelopes_are_not_redelivered_after_a_restart(
    make_bus, names, running
) -> None:
    topic, group = names("restart"), names("group")
    first = Recorder()
    bus = make_bus()
    bus.subscribe(group, [topic], first)
    await running(bus)
    await bus.publish_many(topic, [envelope("k", i) for i in range(3)])
    await eventually(lambda: len(first.seen) == 3)
    await bus.stop()

    # Published while nobody of the group was listening.
    producer = await running(make_bus())
    await producer.publish_many(topic, [envelope("k", i) for i in range(3, 5)])
    await producer.stop()

    second = Recorder()
    again = make_bus()
    again.subscribe(group, [topic], second)
    await running(again)
    await eventually(lambda: sorted(second.numbers) == [3, 4])
    await asyncio.sleep(0.5)
    assert sorted(second.numbers) == [3, 4]


async def test_publish_many_keeps_order(make_bus, names, running) -> None:
    topic = names("batch")
    got = Recorder()
    bus = make_bus()
    bus.subscribe(names("group"), [topic], got)
    await running(bus)
    await bus.publish_many(topic, [envelope("one-key", i) for i in range(25)])
    await eventually(lambda: len(got.seen) == 25)
    assert got.numbers == list(range(25))
    assert await bus.healthy()
