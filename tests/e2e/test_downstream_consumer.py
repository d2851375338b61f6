"""The downstream consumer example (``examples/downstream_consumer``, faust-streaming), run as
an outside team runs it, on envelopes our Kafka adapter published to a tansu broker."""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from insightbus.common.bus.kafka import KafkaBus
from insightbus.common.events import Envelope, Event, topics
from insightbus.common.events.analysis import (
    AnalysisCompleted,
    AnalysisCompletedV1,
    EmotionDetected,
    TopicDetected,
)
from insightbus.common.testing import processes
from insightbus.common.testing.factories import eventually

CONSUMER = Path(__file__).resolve().parents[2] / "examples" / "downstream_consumer" / "consumer.py"

pytestmark = pytest.mark.kafka


def emotion(ids: dict[str, str], name: str, n: int) -> EmotionDetected:
    return EmotionDetected(
        **ids, emotion_id=f"e{n}", name=name, intensity=0.8, segment=n, excerpt="..."
    )


def analysed(events: list[Event]) -> list[Envelope]:
    return [Envelope.wrap(e, source="analysis") for e in events]


async def test_the_faust_consumer_summarizes_each_analysed_session(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    a = {"session_id": f"a-{run}", "user_id": "u", "content_id": f"ca-{run}"}
    b = {"session_id": f"b-{run}", "user_id": "u", "content_id": f"cb-{run}"}
    joy = Envelope.wrap(emotion(a, "joy", 0), source="analysis")
    counts = {"topics": 1, "insights": 0, "action_items": 0, "duration_ms": 5.0}
    envelopes = [
        joy,
        *analysed([emotion(a, "joy", 1), emotion(a, "anger", 2)]),
        joy,  # delivered again: at least once
        *analysed(
            [
                TopicDetected(
                    **a,
                    topic_id="t0",
                    label="deadline",
                    score=0.9,
                    keywords=("deadline",),
                    segments=(2,),
                )
            ],
        ),
        # What a later platform may publish: an event type this consumer does not know, and
        # a newer version of one it does (an optional field added).
        Envelope(
            type="mood.changed",
            version=1,
            source="analysis",
            key=a["session_id"],
            data={**a, "mood": "calm"},
        ),
        Envelope(
            type="emotion.detected",
            version=2,
            source="analysis",
            key=a["session_id"],
            data={**emotion(a, "joy", 3).model_dump(mode="json"), "valence": 0.7},
        ),
        *analysed(
            [AnalysisCompleted(**a, emotions=4, **counts, model="minilm-l6-goemotions+tfidf")]
        ),
        # Session b's analysis completed as v1 did, before the emotion model was named.
        *analysed([emotion(b, "sadness", 0), AnalysisCompletedV1(**b, emotions=1, **counts)]),
    ]
    bus = KafkaBus(kafka_bootstrap)
    await bus.start()
    try:
        await bus.publish_many(topics.ANALYSIS, envelopes)
    finally:
        await bus.stop()

    log = tmp_path / "consumer.log"
    real_kafka = bool(os.environ.get("INSIGHTBUS_TEST_KAFKA_BOOTSTRAP"))
    worker = processes.start(
        [sys.executable, str(CONSUMER)],
        log=log,
        cwd=tmp_path,
        env={
            **os.environ,
            "KAFKA_BROKER": f"kafka://{kafka_bootstrap}",
            "CONSUMER_GROUP": f"downstream-test-{run}",
            # tansu answers a group join after half the session timeout; Kafka takes 6 s at least.
            "KAFKA_SESSION_TIMEOUT_S": "6" if real_kafka else "2",
        },
    )
    try:

        def summaries() -> dict[str, dict[str, Any]] | None:
            found = {}
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("{"):
                    summary = json.loads(line)
                    found[summary["session_id"]] = summary
            return found if {a["session_id"], b["session_id"]} <= set(found) else None

        try:
            found = await eventually(summaries, timeout=60, every=0.2)
        except TimeoutError:
            pytest.fail(f"no summaries from the consumer:\n{log.read_text(errors='replace')}")
    finally:
        processes.stop(worker, signal.SIGTERM)

    assert found[a["session_id"]] == {
        "session_id": a["session_id"],
        "content_id": a["content_id"],
        "model": "minilm-l6-goemotions+tfidf",
        "emotions": {"anger": 1, "joy": 3},  # the duplicate counted once, v2 read as v1
        "emotions_reported": 4,
        "topics": 1,
        "newer_versions": 1,
        "ignored": 1,
    }
    assert found[b["session_id"]] == {
        "session_id": b["session_id"],
        "content_id": b["content_id"],
        "model": "tfidf-logreg",  # v1 has no model: its record's default
        "emotions": {"sadness": 1},
        "emotions_reported": 1,
        "topics": 0,
        "newer_versions": 0,
        "ignored": 0,
    }
    assert "Traceback" not in log.read_text(errors="replace")
