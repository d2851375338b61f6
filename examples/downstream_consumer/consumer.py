"""A downstream consumer of insightbus' analysis topic, with faust-streaming.

It tallies each session's emotions and topics and, when the session's analysis completes,
prints a summary as one JSON line on stdout (logs go to stderr)::

    KAFKA_BROKER=kafka://localhost:9092 python consumer.py

Settings, from the environment: ``KAFKA_BROKER``, ``CONSUMER_GROUP`` (your own group: never one
of insightbus' services'), ``KAFKA_SESSION_TIMEOUT_S``, ``LOG_LEVEL``.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

import faust
from records import AnalysisCompleted, EmotionDetected, Envelope, TopicDetected

log = logging.getLogger("downstream")

ANALYSIS_TOPIC = "insightbus.analysis.v1"
SESSION_TIMEOUT_S = float(os.environ.get("KAFKA_SESSION_TIMEOUT_S", "10"))

app = faust.App(
    os.environ.get("CONSUMER_GROUP", "acme-session-stats"),  # the consumer group
    broker=os.environ.get("KAFKA_BROKER", "kafka://localhost:9092"),
    consumer_auto_offset_reset="earliest",  # a new group reads what the topic still holds
    # No tables (no changelogs to recover, no standbys to place): Kafka's round-robin
    # assignor. Events are keyed by session, so all of a session's reach the same worker
    # and the in-memory tallies below are whole (until a rebalance moves the partition).
    table_standby_replicas=0,
    web_enabled=False,
    broker_session_timeout=SESSION_TIMEOUT_S,
    broker_heartbeat_interval=SESSION_TIMEOUT_S / 4,
)
# Not internal to faust, so it never creates or alters the topic: it is insightbus'.
analysis_topic = app.topic(ANALYSIS_TOPIC, key_type=str, value_type=Envelope)

#: The newest version of each event type this consumer was written for. A later version only
#: adds optional fields (insightbus' compatibility rule), so it is read with the same record.
READERS: dict[str, tuple[int, type[faust.Record]]] = {
    "emotion.detected": (1, EmotionDetected),
    "topic.detected": (1, TopicDetected),
    "analysis.completed": (2, AnalysisCompleted),
}


@dataclass
class Tally:
    emotions: Counter[str] = field(default_factory=Counter)
    topics: int = 0
    newer_versions: int = 0  # envelopes of a version newer than this consumer knows
    ignored: int = 0  # event types this consumer does not read


tallies: dict[str, Tally] = {}  # by session, since its last completed analysis
seen: OrderedDict[str, None] = OrderedDict()  # the latest envelope ids, oldest first
SEEN_MAX = 100_000


def first_time(envelope_id: str) -> bool:
    """Delivery is at least once: an envelope id comes again with the same event."""
    if envelope_id in seen:
        return False
    seen[envelope_id] = None
    if len(seen) > SEEN_MAX:
        seen.popitem(last=False)
    return True


def handle(session_id: str, envelope: Envelope) -> dict[str, Any] | None:
    """Count one envelope; the session's summary once an analysis completed, else None."""
    if not first_time(envelope.id):
        return None
    tally = tallies.setdefault(session_id, Tally())
    reader = READERS.get(envelope.type)
    if reader is None:
        tally.ignored += 1
        return None
    known, record = reader
    if envelope.version > known:
        tally.newer_versions += 1
    event = record.from_data(envelope.data)
    if isinstance(event, EmotionDetected):
        tally.emotions[event.name] += 1
    elif isinstance(event, TopicDetected):
        tally.topics += 1
    elif isinstance(event, AnalysisCompleted):
        del tallies[session_id]
        return {
            "session_id": session_id,
            "content_id": event.content_id,
            "model": event.model,
            "emotions": dict(sorted(tally.emotions.items())),
            "emotions_reported": event.emotions,
            "topics": tally.topics,
            "newer_versions": tally.newer_versions,
            "ignored": tally.ignored,
        }
    return None


@app.agent(analysis_topic)
async def summarize(stream: faust.StreamT[Envelope]) -> None:
    async for session_id, envelope in stream.items():
        try:
            summary = handle(session_id, envelope)
        except (TypeError, ValueError):  # data that does not fit its record: skip, say so
            log.exception("unreadable %s v%s %s", envelope.type, envelope.version, envelope.id)
            continue
        if summary is not None:
            print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    # stdout is for the summaries: faust would otherwise send print() to its log.
    level = os.environ.get("LOG_LEVEL", "info")
    faust.Worker(app, loglevel=level, redirect_stdouts=False).execute_from_commandline()
