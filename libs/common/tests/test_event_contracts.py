"""The event schemas are a public contract: changing one must be a deliberate act."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insightbus.common.events import REGISTRY, Envelope, json_schemas, parse, topics
from insightbus.common.events.analysis import AnalysisCompleted
from insightbus.common.events.sessions import ContentBlock, ContentUploaded

PUBLISHED = Path(__file__).resolve().parents[1] / "schemas" / "events.v1.json"


def test_published_schemas_match_the_models() -> None:
    # If this fails, the contract changed: bump the event's version (and keep the old one)
    # for a breaking change, then regenerate with `insightbus schemas`.
    assert json.loads(PUBLISHED.read_text()) == json_schemas()


def test_every_event_type_has_a_topic_from_the_catalog() -> None:
    for model in REGISTRY.values():
        assert model.topic in topics.ALL
        assert model.type.islower() and "." in model.type


def test_an_envelope_round_trips_through_bytes() -> None:
    event = ContentUploaded(
        session_id="s1",
        user_id="u1",
        content_id="c1",
        filename="a.txt",
        format="txt",
        size_bytes=5,
        blocks=(ContentBlock(text="hello", start=1.5),),
    )
    envelope = Envelope.wrap(event, source="test", correlation_id="corr")
    again = Envelope.from_bytes(envelope.to_bytes())
    assert again == envelope
    assert again.key == "s1" and again.correlation_id == "corr"
    assert parse(again) == event


def test_an_earlier_version_is_still_read_as_the_current_one() -> None:
    # analysis.completed v1 (before the encoder) in a log written before an upgrade.
    ids = {"session_id": "s", "user_id": "u", "content_id": "c"}
    counts = {"emotions": 2, "topics": 1, "insights": 1, "action_items": 0, "duration_ms": 9.5}
    envelope = Envelope(
        type="analysis.completed", version=1, source="analysis", key="s", data={**ids, **counts}
    )
    event = parse(envelope)
    assert isinstance(event, AnalysisCompleted) and event.version == 2
    assert event.model == "tfidf-logreg" and event.emotions == 2
    assert "analysis.completed.v1" in json_schemas() and "analysis.completed.v2" in json_schemas()
    # v1 has no model field: one is refused there, as any unknown field.
    with pytest.raises(ValueError, match="model"):
        parse(envelope.model_copy(update={"data": {**ids, **counts, "model": "x"}}))


def test_unknown_fields_are_rejected() -> None:
    envelope = Envelope(
        type="session.deleted",
        version=1,
        source="t",
        key="s",
        data={"session_id": "s", "user_id": "u", "extra": 1},
    )
    try:
        parse(envelope)
    except ValueError as exc:
        assert "extra" in str(exc)
    else:
        raise AssertionError("an unknown field was accepted")
