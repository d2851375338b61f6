"""The topology is data: the services' tables are the whole truth, and they are complete.

Modelled on Sentry's test of its ``KAFKA_CONSUMERS`` registry: every event type has a
producer and a consumer, every handler sits in a table, and the README shows the tables.
"""

from __future__ import annotations

import ast
import re
import subprocess
from typing import Any

import pytest

from insightbus.cli.topology import render, rows, service_topologies
from insightbus.common.events import topics
from insightbus.common.events.catalog import EVENT_TYPES, EXTERNAL_ONLY
from insightbus.common.events.examples import EXAMPLES
from insightbus.common.topology import ServiceTopology
from tests.conftest import CLI, ROOT

SERVICES = service_topologies()
BY_TYPE = {e.type: e for e in EVENT_TYPES}


def test_every_event_type_has_one_producer_and_a_consumer() -> None:
    for row in rows(SERVICES):
        assert len(row.producers) == 1, f"{row.event_type} is published by {row.producers}"
        if row.event_type not in EXTERNAL_ONLY:
            assert row.consumers, f"nobody consumes {row.event_type}: consume it or document it"


def test_a_consumer_reads_only_event_types_of_its_topic() -> None:
    for service in SERVICES:
        assert service.consumers or service.publishes
        for group, topic, event_type in service.edges():
            assert topic in topics.ALL, f"{group}: unknown topic {topic}"
            assert BY_TYPE[event_type].topic == topic, f"{group}: {event_type} is not on {topic}"


def test_the_tables_publish_the_whole_catalog_and_nothing_else() -> None:
    published = [e for s in SERVICES for e in s.publishes]
    assert len(published) == len(set(published)), "an event type with two producers"
    assert set(published) == set(EVENT_TYPES)


def test_the_published_examples_name_their_producer() -> None:
    # The AsyncAPI document says who publishes each message from its example's source.
    producers = {row.event_type: row.producers for row in rows(SERVICES)}
    for (event_type, version), (source, _) in EXAMPLES.items():
        assert producers[event_type] == (source,), f"{event_type} v{version}"


class _RecordingBus:
    def __init__(self) -> None:
        self.subscriptions: list[tuple[str, tuple[str, ...]]] = []

    def subscribe(
        self, group: str, topics_: Any, handler: Any, batch_handler: Any = None, **_: Any
    ) -> None:
        self.subscriptions.append((group, tuple(topics_)))


def _built_subscriptions(
    service: ServiceTopology[Any], *, graph: bool = True
) -> list[tuple[str, tuple[str, ...]]]:
    """What the service's bootstrap subscribes, on a bus that only records (with a graph,
    never started, for the services that use one)."""
    from insightbus.common.auth import TokenCodec
    from insightbus.common.graph.bolt import BoltConfig, BoltGraph
    from insightbus.common.settings import Settings
    from insightbus.common.store.sqlite import SqliteStore

    bus = _RecordingBus()
    settings = Settings(jwt_secret="t" * 40, analysis_workers=0, classifier_workers=0)
    store = SqliteStore(None)
    tokens = TokenCodec.from_settings(settings)
    name = service.service
    module = __import__(f"insightbus.{name}.bootstrap", fromlist=["x"])
    build = getattr(module, f"build_{name}")
    graphs = [BoltGraph(BoltConfig("bolt://127.0.0.1:9"))] if graph else []
    if name == "gateway":
        build(settings, store, bus, tokens, *graphs)
    elif name == "notifier":
        build(settings, store, bus, tokens)
    elif name == "analysis":
        build(settings, store, bus, *graphs)
    else:
        build(settings, store, bus)
    return sorted(bus.subscriptions)


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.service)
def test_a_service_subscribes_exactly_what_its_table_says(service: ServiceTopology[Any]) -> None:
    declared: dict[str, list[str]] = {}
    for consumer in service.consumers:
        declared.setdefault(consumer.group, [])
        if consumer.topic not in declared[consumer.group]:
            declared[consumer.group].append(consumer.topic)
    expected = sorted((group, tuple(ts)) for group, ts in declared.items())
    assert _built_subscriptions(service) == expected


def test_with_the_graph_off_the_analysis_leaves_its_projector_group_out() -> None:
    """Its offsets wait: once the graph is on, the group starts from the beginning."""
    (analysis,) = [s for s in SERVICES if s.service == "analysis"]
    subscribed = _built_subscriptions(analysis, graph=False)
    assert [group for group, _ in subscribed] == ["analysis"]
    assert "analysis-graph" in {c.group for c in analysis.consumers}


def test_no_handler_is_registered_outside_the_tables() -> None:
    """Service code subscribes only through ``insightbus.common.topology.subscribe``, which
    takes the table: no ``bus.subscribe(...)`` of its own anywhere in a service or the CLI."""
    sources = [*ROOT.glob("services/*/src/**/*.py"), *ROOT.glob("src/**/*.py")]
    offenders = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "subscribe"
                and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "topology")
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"bus.subscribe outside the topology tables: {offenders}"


def test_the_cli_prints_the_topology_and_the_readme_shows_it() -> None:
    printed = subprocess.run(
        [str(CLI), "topology"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert printed.strip() == render(SERVICES)
    assert "content.uploaded v1" in printed and "analysis (analysis)" in printed
    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"<!-- topology -->\n```\n(.*?)```\n<!-- /topology -->", readme, re.S)
    assert shown is not None, "the README's architecture section lacks the topology block"
    assert shown.group(1).strip() == printed.strip(), "README out of date: insightbus topology"


def test_the_readme_names_a_path_per_layer_that_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    paths = re.findall(r"`(services/[\w/]+\.py)`", readme)
    assert paths, "the README's architecture section names no example paths"
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"the README names paths that do not exist: {missing}"
