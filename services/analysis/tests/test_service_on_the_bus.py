"""The analysis service through the bus: content.uploaded in, analysis events out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from insightbus.analysis.service import build_analysis
from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.events import Envelope, parse, topics
from insightbus.common.events.sessions import ContentBlock, ContentUploaded
from insightbus.common.settings import Settings
from insightbus.common.store.sqlite import SqliteStore


@pytest.fixture
async def analysis(tmp_path: Any) -> AsyncIterator[tuple[EmbeddedBus, list[Envelope]]]:
    bus = EmbeddedBus(None, backoff_s=0.01)
    store = SqliteStore(None)
    service = build_analysis(Settings(data_dir=tmp_path), store, bus)
    out: list[Envelope] = []

    async def record(e: Envelope) -> None:
        out.append(e)

    bus.subscribe("test", [topics.ANALYSIS], record)
    await store.start()
    await service.start()
    await bus.start()
    yield bus, out
    await bus.stop()
    await service.stop()
    await store.close()


def upload(*texts: str) -> ContentUploaded:
    return ContentUploaded(
        session_id="s1",
        user_id="u1",
        content_id="c1",
        filename="a.json",
        format="json",
        size_bytes=10,
        blocks=tuple(
            ContentBlock(text=t, speaker="Client", start=float(i)) for i, t in enumerate(texts)
        ),
    )


async def until_done(out: list[Envelope], n: int = 1) -> None:
    async with asyncio.timeout(10):
        while sum(e.type in ("analysis.completed", "analysis.failed") for e in out) < n:
            await asyncio.sleep(0.01)


async def test_content_is_analysed_with_progress_then_results_then_completion(analysis) -> None:
    bus, out = analysis
    await bus.publish(
        topics.SESSIONS,
        Envelope.wrap(
            upload(
                "I was so scared before the exam.",
                "I passed! I'm thrilled and grateful.",
                "I will call my mum tonight.",
            ),
            source="gateway",
        ),
    )
    await until_done(out)
    events = [parse(e) for e in out]  # every one matches its published schema
    types = [e.type for e in out]
    assert types[0] == "analysis.progressed" and types[-1] == "analysis.completed"
    progress = [e.progress for e in events if e.type == "analysis.progressed"]
    assert len(progress) >= 4 and progress == sorted(progress) and progress[-1] == 100
    assert {
        "emotion.detected",
        "topic.detected",
        "insight.generated",
        "action_item.suggested",
    } <= set(types)
    completed = events[-1]
    assert completed.emotions == types.count("emotion.detected")
    assert completed.action_items == types.count("action_item.suggested") >= 1
    assert all(e.key == "s1" and e.source == "analysis" for e in out)


async def test_a_redelivered_upload_changes_nothing(analysis) -> None:
    bus, out = analysis
    envelope = Envelope.wrap(upload("I am happy today."), source="gateway")
    await bus.publish(topics.SESSIONS, envelope)
    await until_done(out)
    first = list(out)
    await bus.publish(topics.SESSIONS, envelope)
    await asyncio.sleep(0.3)
    assert [e.id for e in out] == [e.id for e in first]


async def test_content_without_text_fails_with_a_reason(analysis) -> None:
    bus, out = analysis
    await bus.publish(topics.SESSIONS, Envelope.wrap(upload("   ", "\n"), source="gateway"))
    await until_done(out)
    failed = parse(out[-1])
    assert out[-1].type == "analysis.failed" and "no text" in failed.reason
