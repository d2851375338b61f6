"""A consumer's batch handlers, through a real bus: runs of their types in one call, every
other type on its own, all in the order published."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.events import Envelope, topics
from insightbus.common.events.analysis import AnalysisProgressed, EmotionDetected
from insightbus.common.topology import Consumer, ServiceTopology, subscribe

IDS = {"session_id": "s1", "user_id": "u1", "content_id": "c1"}


def emotion(i: int) -> Envelope:
    event = EmotionDetected(
        **IDS, emotion_id=f"e{i}", name="joy", intensity=0.5, segment=0, excerpt=f"{i}"
    )
    return Envelope.wrap(event, source="test")


def progress(percent: int) -> Envelope:
    return Envelope.wrap(AnalysisProgressed(**IDS, stage="emotions", progress=percent), source="t")


class App:
    def __init__(self, fail_batches: bool = False) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        self.fail_batches = fail_batches


async def one(app: App, envelope: Envelope, event: Any) -> None:
    app.calls.append(("one", [envelope.id]))


async def many(app: App, run: Sequence[tuple[Envelope, Any]]) -> None:
    if app.fail_batches:
        raise RuntimeError("batch write failed")
    assert all(isinstance(event, EmotionDetected) for _, event in run)
    app.calls.append(("many", [envelope.id for envelope, _ in run]))


TOPOLOGY: ServiceTopology[App] = ServiceTopology(
    "test",
    publishes=(),
    consumers=(
        Consumer(
            "g",
            topics.ANALYSIS,
            {EmotionDetected.type: one, AnalysisProgressed.type: one},
            batches={EmotionDetected.type: many},
        ),
    ),
)


async def handled(app: App, sent: list[Envelope]) -> list[tuple[str, list[str]]]:
    bus = EmbeddedBus(None, partitions=1, max_attempts=2, backoff_s=0.01)
    subscribe(bus, TOPOLOGY, lambda: app)
    await bus.start()
    try:
        await bus.publish_many(topics.ANALYSIS, sent)  # one transaction: one read takes all
        async with asyncio.timeout(10):
            while sum(len(ids) for _, ids in app.calls) < len(sent):
                await asyncio.sleep(0.01)
    finally:
        await bus.stop()
    return app.calls


async def test_runs_go_in_one_call_and_other_types_between_them_keep_their_place() -> None:
    sent = [emotion(0), emotion(1), progress(20), emotion(2), emotion(3), emotion(4)]
    calls = await handled(App(), sent)
    ids = [e.id for e in sent]
    assert calls == [("many", ids[0:2]), ("one", [ids[2]]), ("many", ids[3:6])]


async def test_a_failing_batch_handler_hands_each_envelope_to_the_one_event_handler() -> None:
    sent = [emotion(0), emotion(1), progress(20)]
    calls = await handled(App(fail_batches=True), sent)
    assert calls == [("one", [e.id]) for e in sent]
