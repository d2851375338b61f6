"""The downstream consumer's (``examples/downstream_consumer``, faust-streaming) expectations
of the events on ``insightbus.analysis.v1``, as a message pact.

Each interaction is an envelope of one event type the consumer reads, with only the fields
it relies on (matchers: types, not values); the consumer's own ``handle`` must take each
one. The pact (``pacts/downstream-consumer-insightbus-analysis.json``) is verified against
our event examples, in their envelopes as the bus carries them, in ``test_provider.py``.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from pact import Pact, match

from contracts.pacts_io import matches_committed

CONSUMER, PROVIDER = "downstream-consumer", "insightbus-analysis"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "downstream_consumer"
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"
SESSION = "7f3c2a9e4b1d4c6a8e5f0a1b2c3d4e5f"


def consumer() -> ModuleType:
    """``consumer.py`` as the example runs it: from its folder (it imports ``records``)."""
    if str(EXAMPLE) not in sys.path:
        sys.path.insert(0, str(EXAMPLE))
    return importlib.import_module("consumer")


def envelope(type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": match.str(f"{type}.v{version}"),  # the consumer deduplicates on it
        "type": type,
        "version": match.int(version),
        "source": match.str("analysis"),
        "time": match.regex("2026-12-01T09:30:00Z", regex=ISO),
        "key": match.str(SESSION),
        "correlation_id": match.str("0f1e2d3c4b5a49788796a5b4c3d2e1f0"),
        "data": data,
    }


IDS = {
    "session_id": match.str(SESSION),
    "user_id": match.str("u-1"),
    "content_id": match.str("c-1"),
}

MESSAGES = {
    "an emotion detected": envelope(
        "emotion.detected",
        1,
        {
            **IDS,
            "emotion_id": match.str("e-1"),
            "name": match.str("joy"),
            "intensity": match.number(0.8),
            "segment": match.int(0),
            "excerpt": match.str("I felt much better"),
        },
    ),
    "a topic detected": envelope(
        "topic.detected",
        1,
        {
            **IDS,
            "topic_id": match.str("t-1"),
            "label": match.str("work"),
            "score": match.number(0.5),
            "keywords": match.each_like("deadline"),
            "segments": match.each_like(0),
        },
    ),
    "an analysis completed": envelope(
        "analysis.completed",
        2,
        {
            **IDS,
            "emotions": match.int(3),
            "topics": match.int(1),
            "insights": match.int(1),
            "action_items": match.int(1),
            "duration_ms": match.number(12.5),
            "model": match.str("tfidf-logreg"),
        },
    ),
}


def test_the_downstream_consumers_expectations_of_the_analysis_topic(tmp_path: Path) -> None:
    pact = Pact(CONSUMER, PROVIDER).with_specification("V4")
    for description, body in MESSAGES.items():
        (
            pact.upon_receiving(description, "Async")
            .with_body(body, content_type="application/json")
            .with_metadata({"topic": "insightbus.analysis.v1"})
        )
    summaries: list[dict[str, Any]] = []
    handle = consumer().handle
    records = importlib.import_module("records")

    def take(body: str | bytes | None, metadata: dict[str, object]) -> None:
        assert body is not None and metadata["topic"] == "insightbus.analysis.v1"
        message = json.loads(body)
        summary = handle(message["key"], records.Envelope.from_data(message))
        if summary is not None:
            summaries.append(summary)

    pact.verify(take, "Async")
    assert [s["model"] for s in summaries] == ["tfidf-logreg"]
    pact.write_file(tmp_path)
    matches_committed(tmp_path, CONSUMER, PROVIDER)
