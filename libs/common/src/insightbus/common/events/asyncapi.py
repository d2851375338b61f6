"""The AsyncAPI 3.0 document of the events: what a system outside the platform needs to
subscribe to our topics.

Generated from the catalog (every topic, every event type and version with its schema and an
example) and checked in as ``libs/common/schemas/asyncapi.json`` (a drift test keeps it true);
``insightbus asyncapi`` prints it and the gateway serves it at ``/asyncapi.json``. What it
says of Kafka is what the Kafka adapter (``bus/kafka.py``) does: the value is the envelope's
JSON, the key ``Envelope.key`` in UTF-8, the headers ``event-type`` and ``event-id``.
"""

from __future__ import annotations

from importlib.metadata import version as distribution_version
from typing import Any

from insightbus.common.events import topics
from insightbus.common.events.catalog import REGISTRY, SUPERSEDED, versions
from insightbus.common.events.envelope import Envelope, Event, SessionScoped
from insightbus.common.events.examples import EXAMPLES, example_envelope

Document = dict[str, Any]

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING = "0.5.0"
SCHEMAS = "#/components/schemas/"

TOPICS = {
    topics.SESSIONS: "Sessions and the content uploaded into them",
    topics.ANALYSIS: "What the analysis finds in a session's content, as it finds it",
    topics.ACTION_ITEMS: "A user's action items, as they change",
    topics.TICKETS: "Ticket classification jobs, from submission to their end",
}

SUMMARIES = {
    "session.created": "A user created a session.",
    "session.deleted": "A user deleted a session, and with it everything found in it.",
    "content.uploaded": "Content was uploaded into a session, normalized into text blocks.",
    "analysis.progressed": "The analysis of a piece of content reached a stage.",
    "emotion.detected": "An emotion found in a sentence (or clause) of the content.",
    "topic.detected": "A topic of the content, with its keywords and where it came up.",
    "insight.generated": "An insight drawn from the emotions and topics found.",
    "action_item.suggested": "The analysis suggests an action item it found in the content.",
    "analysis.completed": "The analysis of a piece of content is done; what it found, counted.",
    "analysis.failed": "The analysis of a piece of content failed, and why.",
    "action_item.created": "An action item was added to a user's list.",
    "action_item.updated": "An action item changed.",
    "action_item.deleted": "An action item was deleted.",
    "tickets.submitted": "A signed ticket file was accepted for classification.",
    "tickets.progressed": "How many of a job's tickets are classified so far.",
    "tickets.classified": "A ticket job is done: every ticket classified, or said why not.",
    "tickets.failed": "A ticket job failed as a whole, and why.",
}

DESCRIPTION = """\
The events of insightbus, on Kafka. Every message is one **envelope** (JSON): `type` and
`version` say which schema its `data` follows. Subscribe with a consumer group of your own.

- **Keys**: the message key is the envelope's `key`, the session id (a ticket job's too):
  one session's events are on one partition, in the order they were published. There is no
  order across sessions or topics.
- **Headers**: `event-type` (the envelope's `type`) and `event-id` (its `id`), so that you
  can skip what you do not read without parsing it.
- **At least once**: an event may come twice; the envelope `id` is the same each time.
- **Versions**: a new version of an event type only adds optional fields; nothing is removed,
  retyped, made required or no longer required (one exception, from before the rule:
  `analysis.completed` v2 added `model`, required; read a v1 as v2 with
  `model: "tfidf-logreg"`). An incompatible change would be a new topic (`.v2`). So read a
  version newer than you know with the newest reader you have, ignoring the fields you do
  not know; and skip event types you do not know.
- **Superseded versions** (`deprecated` here) are no longer published, but a topic may still
  hold envelopes written before the upgrade.
- `<topic>.dlq` topics hold what our own consumers could not handle: not for subscribers.
"""


def document() -> Document:
    """The whole AsyncAPI document, the same on every call."""
    schemas: dict[str, Any] = {"Envelope": Envelope.model_json_schema(mode="serialization")}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in topics.ALL:
        events = [e for e in versions() if e.topic == topic]
        channel = topic.removeprefix("insightbus.")
        key = _key(events)
        for event in events:
            name = _name(event)
            _add_schemas(schemas, name, event)
            messages[name] = _message(event, key)
        channels[channel] = {
            "address": topic,
            "title": TOPICS[topic],
            "description": f"Every message is keyed by {key}: its events stay in order.",
            "messages": {_name(e): {"$ref": f"#/components/messages/{_name(e)}"} for e in events},
            "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING}},
        }
        operations[f"receive.{channel}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"Subscribe to {topic}.",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{_name(e)}"} for e in events],
            "bindings": {
                "kafka": {
                    "groupId": {
                        "type": "string",
                        "description": "a consumer group of your own, never one of insightbus'",
                    },
                    "bindingVersion": KAFKA_BINDING,
                }
            },
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "insightbus events",
            "version": distribution_version("insightbus-common"),
            "description": DESCRIPTION,
            "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "{bootstrap}",
                "protocol": "kafka",
                "description": "The deployment's Kafka (INSIGHTBUS_KAFKA_BOOTSTRAP_SERVERS).",
                "variables": {"bootstrap": {"default": "localhost:9092"}},
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _name(event: type[Event]) -> str:
    return f"{event.type}.v{event.version}"


def _key(events: list[type[Event]]) -> str:
    """What ``Envelope.key`` is on a topic: ``Event.key()`` of its events."""
    if all(issubclass(e, SessionScoped) for e in events):
        return "the session id, `data.session_id` (a ticket job is known by one too)"
    raise NotImplementedError("say here what the key of a new kind of event is")


def _add_schemas(schemas: dict[str, Any], name: str, event: type[Event]) -> None:
    """The event's data schema, its nested models beside it (shared by name: one model, one
    schema, whichever event holds it)."""
    schema = event.model_json_schema(ref_template=SCHEMAS + "{model}")
    for model, nested in schema.pop("$defs", {}).items():
        if schemas.setdefault(model, nested) != nested:
            raise ValueError(f"two models named {model} in the events")
    schemas[name] = schema


def _message(event: type[Event], key: str) -> dict[str, Any]:
    name = _name(event)
    source, _ = EXAMPLES[(event.type, event.version)]
    example = example_envelope(event.type, event.version)
    message: dict[str, Any] = {
        "name": event.type,
        "title": f"{event.type} v{event.version}",
        "summary": SUMMARIES[event.type],
        "description": f"Published by the {source} service.",
        "contentType": "application/json",
        "headers": {
            "type": "object",
            "properties": {
                "event-type": {
                    "type": "string",
                    "const": event.type,
                    "description": "the envelope's type, UTF-8",
                },
                "event-id": {"type": "string", "description": "the envelope's id, UTF-8"},
            },
            "required": ["event-type", "event-id"],
        },
        "payload": {
            "allOf": [
                {"$ref": SCHEMAS + "Envelope"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": event.type},
                        "version": {"const": event.version},
                        "data": {"$ref": SCHEMAS + name},
                    },
                },
            ]
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"the envelope's key, UTF-8: {key}"},
                "bindingVersion": KAFKA_BINDING,
            }
        },
        "examples": [
            {
                "name": name,
                "headers": {"event-type": example.type, "event-id": example.id},
                "payload": example.model_dump(mode="json"),
            }
        ],
    }
    if (event.type, event.version) in SUPERSEDED:
        current = next(v for t, v in REGISTRY if t == event.type)
        message["deprecated"] = True
        message["description"] += (
            f" Superseded by v{current}: no longer published, but envelopes written before "
            "the upgrade may still be on the topic."
        )
    return message
