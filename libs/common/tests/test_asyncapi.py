"""The AsyncAPI document subscribers read: generated from the catalog, checked in, valid
AsyncAPI 3.0, and true to what the Kafka adapter sends."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from insightbus.common.events import REGISTRY, SUPERSEDED, Envelope, parse, topics
from insightbus.common.events.asyncapi import SUMMARIES, document
from insightbus.common.events.examples import EXAMPLES

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
PUBLISHED = SCHEMAS / "asyncapi.json"
# The official schema of AsyncAPI 3.0.0 documents, vendored (see vendor/asyncapi/README.md).
ASYNCAPI_SCHEMA = Path(__file__).resolve().parent / "vendor" / "asyncapi" / "3.0.0.json"
DOC = "urn:insightbus:asyncapi"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


@pytest.fixture(scope="module")
def asyncapi_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(ASYNCAPI_SCHEMA.read_text())
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def test_every_event_type_and_version_has_an_example_and_a_summary() -> None:
    assert sorted(EXAMPLES) == sorted([*REGISTRY, *SUPERSEDED])
    assert sorted(SUMMARIES) == sorted(t for t, _ in REGISTRY)


def test_the_published_document_matches_the_catalog(doc: dict[str, Any]) -> None:
    # If this fails, an event, a topic or an example changed: regenerate with
    # `insightbus asyncapi > libs/common/schemas/asyncapi.json` (and mind the versions).
    assert json.loads(PUBLISHED.read_text()) == doc


def test_the_document_is_valid_asyncapi_3(
    doc: dict[str, Any], asyncapi_validator: jsonschema.Draft7Validator
) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in asyncapi_validator.iter_errors(doc)]
    assert errors == []
    # The schema does check: AsyncAPI 2's "subscribe" is no operation in 3.0, nor is a
    # misspelt Kafka binding field.
    wrong = copy.deepcopy(doc)
    wrong["operations"]["receive.sessions.v1"]["action"] = "subscribe"
    wrong["components"]["messages"]["session.created.v1"]["bindings"]["kafka"]["keys"] = {}
    assert len(list(asyncapi_validator.iter_errors(wrong))) == 2


def test_every_reference_resolves(doc: dict[str, Any]) -> None:
    for ref in _refs(doc):
        assert ref.startswith("#/"), ref
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]


def test_a_channel_per_topic_with_each_version_of_its_events(doc: dict[str, Any]) -> None:
    assert sorted(c["address"] for c in doc["channels"].values()) == sorted(topics.ALL)
    by_topic: dict[str, set[str]] = {}
    for name, channel in doc["channels"].items():
        by_topic[channel["address"]] = set(channel["messages"])
        operation = doc["operations"][f"receive.{name}"]
        assert operation["action"] == "receive"
        assert len(operation["messages"]) == len(channel["messages"])
    for (event_type, version), model in {
        **REGISTRY,
        **{k: m for k, (m, _) in SUPERSEDED.items()},
    }.items():
        assert f"{event_type}.v{version}" in by_topic[model.topic]
        message = doc["components"]["messages"][f"{event_type}.v{version}"]
        assert message.get("deprecated", False) == ((event_type, version) in SUPERSEDED)
    assert sum(map(len, by_topic.values())) == len(REGISTRY) + len(SUPERSEDED)


def test_each_example_is_a_real_envelope_that_its_message_accepts(doc: dict[str, Any]) -> None:
    for name, message in doc["components"]["messages"].items():
        (example,) = message["examples"]
        payload, headers = example["payload"], example["headers"]
        _validator(doc, f"#/components/messages/{name}/payload").validate(payload)
        _validator(doc, f"#/components/messages/{name}/headers").validate(headers)
        # As the Kafka adapter sends it: headers and key from the envelope.
        envelope = Envelope.model_validate(payload)
        assert headers == {"event-type": envelope.type, "event-id": envelope.id}
        assert envelope.key == envelope.data["session_id"]
        event = parse(envelope)  # what our own consumers read (v1 comes up as v2)
        assert event.type == message["name"]


def test_a_payload_of_another_version_or_with_bad_data_is_refused(doc: dict[str, Any]) -> None:
    name = "emotion.detected.v1"
    payload = doc["components"]["messages"][name]["examples"][0]["payload"]
    payload_schema = _validator(doc, f"#/components/messages/{name}/payload")
    for wrong in (
        {**payload, "version": 2},
        {**payload, "data": {**payload["data"], "intensity": 1.5}},
        {**payload, "data": {**payload["data"], "unknown": 1}},
        {k: v for k, v in payload.items() if k != "key"},
    ):
        assert not payload_schema.is_valid(wrong), wrong


def _validator(doc: dict[str, Any], pointer: str) -> jsonschema.Draft202012Validator:
    """A validator of the schema at ``pointer``, its references resolved in the document."""
    registry: Registry[Any] = Registry().with_resource(
        DOC, Resource(contents=doc, specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator(
        {"$ref": DOC + pointer},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)
