"""The analysis service through the bus: content.uploaded in, analysis events out."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from insightbus.analysis.bootstrap import build_analysis
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, parse, topics
from insightbus.common.events.sessions import ContentBlock, ContentUploaded
from insightbus.common.settings import Settings
from insightbus.common.testing.factories import Recorder, on_the_bus, publish

Started = tuple[MessageBus, Recorder]


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    async with contextlib.AsyncExitStack() as running:

        async def starter(**overrides: Any) -> Started:
            settings = Settings(**{"data_dir": tmp_path, "analysis_workers": 0, **overrides})
            service = await running.enter_async_context(
                on_the_bus(
                    lambda store, bus: build_analysis(settings, store, bus), [topics.ANALYSIS]
                )
            )
            return service.bus, service.recorder

        yield starter


def upload(*texts: str, content_id: str = "c1") -> ContentUploaded:
    return ContentUploaded(
        session_id="s1",
        user_id="u1",
        content_id=content_id,
        filename="a.json",
        format="json",
        size_bytes=10,
        blocks=tuple(
            ContentBlock(text=t, speaker="Client", start=float(i)) for i, t in enumerate(texts)
        ),
    )


EXAM = (
    "I was so scared before the exam.",
    "I passed! I'm thrilled and grateful.",
    "I will call my mum tonight.",
)


def finished(content_id: str) -> Callable[[list[Envelope]], bool]:
    def done(envelopes: list[Envelope]) -> bool:
        return any(
            e.type in ("analysis.completed", "analysis.failed")
            and e.data["content_id"] == content_id
            for e in envelopes
        )

    return done


async def test_content_is_analysed_with_progress_then_results_then_completion(start) -> None:
    bus, recorder = await start()
    await publish(bus, upload(*EXAM), source="gateway")
    out = await recorder.wait_for(finished("c1"))
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


async def test_a_redelivered_upload_changes_nothing(start) -> None:
    bus, recorder = await start()
    envelope = await publish(bus, upload("I am happy today."), source="gateway")
    first = [e.id for e in await recorder.wait_for(finished("c1"))]

    await bus.publish(topics.SESSIONS, envelope)  # redelivered after success
    # A sentinel with the same key (same partition, so handled after the redelivery).
    await publish(bus, upload("I am sad today.", content_id="c2"), source="gateway")
    out = await recorder.wait_for(finished("c2"))
    assert [e.id for e in out[: len(first)]] == first
    assert all(e.data["content_id"] == "c2" for e in out[len(first) :])


async def test_content_without_text_fails_with_a_reason(start) -> None:
    bus, recorder = await start()
    await publish(bus, upload("   ", "\n"), source="gateway")
    out = await recorder.wait_for(finished("c1"))
    failed = parse(out[-1])
    assert out[-1].type == "analysis.failed" and "no text" in failed.reason


async def test_content_in_another_language_is_refused_with_the_language(start) -> None:
    bus, recorder = await start()
    await publish(
        bus,
        upload(
            "Aujourd'hui était difficile. Mon chef a critiqué le rapport devant toute l'équipe.",
            "Plus tard mon amie a appelé et nous avons ri; je me suis sentie mieux.",
        ),
        source="gateway",
    )
    out = await recorder.wait_for(finished("c1"))
    assert out[-1].type == "analysis.failed"
    assert "French (fr)" in parse(out[-1]).reason and "English only" in parse(out[-1]).reason
    assert not [e for e in out if e.type == "emotion.detected"]


async def test_worker_processes_analyse_like_the_in_process_thread(start) -> None:
    results = []
    for workers in (0, 2):  # 2: the deployed default, a process pool
        bus, recorder = await start(analysis_workers=workers)
        await publish(bus, upload(*EXAM), source="gateway")
        out = await recorder.wait_for(finished("c1"))
        completed = [e.data for e in out if e.type == "analysis.completed"]
        emotions = [e.data for e in out if e.type == "emotion.detected"]
        assert len(completed) == 1 and emotions
        completed[0].pop("duration_ms")
        results.append((completed, emotions))
    assert results[0] == results[1]
