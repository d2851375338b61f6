"""``insightbus topology``: who publishes and who consumes what, from the services' own tables.

Every service declares its ``TOPOLOGY`` in ``entrypoints/bus.py``; this joins them on the
event catalog. The README's architecture section shows the same text (a test compares them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from insightbus.common.events.catalog import EVENT_TYPES, EXTERNAL_ONLY
from insightbus.common.topology import ServiceTopology


def service_topologies() -> tuple[ServiceTopology[Any], ...]:
    from insightbus.analysis.entrypoints.bus import TOPOLOGY as analysis
    from insightbus.classifier.entrypoints.bus import TOPOLOGY as classifier
    from insightbus.gateway.entrypoints.bus import TOPOLOGY as gateway
    from insightbus.notifier.entrypoints.bus import TOPOLOGY as notifier

    return gateway, analysis, classifier, notifier


@dataclass(frozen=True)
class Row:
    topic: str
    event_type: str
    version: int
    producers: tuple[str, ...]
    consumers: tuple[str, ...]  # "service (group)"


def rows(services: Sequence[ServiceTopology[Any]]) -> Iterator[Row]:
    """One row per event type of the catalog, in catalog order."""
    for event in EVENT_TYPES:
        producers = tuple(s.service for s in services if event in s.publishes)
        consumers = tuple(
            f"{s.service} ({c.group}{', fan-out' if c.fanout else ''})"
            for s in services
            for c in s.consumers
            if event.type in c.handlers and c.topic == event.topic
        )
        if not consumers and event.type in EXTERNAL_ONLY:
            consumers = ("outside subscribers only",)
        yield Row(event.topic, event.type, event.version, producers, consumers)


def render(services: Sequence[ServiceTopology[Any]]) -> str:
    table = [("topic", "event type", "published by", "consumed by (group)")]
    for row in rows(services):
        table.append(
            (
                row.topic,
                f"{row.event_type} v{row.version}",
                ", ".join(row.producers) or "-",
                ", ".join(row.consumers) or "-",
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(3)]
    return "\n".join(
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(line[:3], widths, strict=True)), line[3]]
        ).rstrip()
        for line in table
    )
