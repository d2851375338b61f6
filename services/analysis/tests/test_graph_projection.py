"""The analysis' graph projector through the bus (group "analysis-graph"): sessions, the
findings and action items in; the graph (a real Bolt server) out, as the journey and
Cypher read it. One partition per topic, so that a sentinel follows what it must."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from insightbus.analysis.bootstrap import build_analysis
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, Event, new_id
from insightbus.common.events.action_items import ActionItem, ActionItemCreated, ActionItemDeleted
from insightbus.common.events.analysis import EmotionDetected, InsightGenerated, TopicDetected
from insightbus.common.events.sessions import SessionCreated, SessionDeleted
from insightbus.common.graph import Journey
from insightbus.common.graph.bolt import BoltConfig, BoltGraph
from insightbus.common.graph.falkordb import free_bolt_port
from insightbus.common.settings import Settings
from insightbus.common.testing.factories import eventually, on_the_bus, publish
from insightbus.common.testing.falkordb import run_falkordb
from insightbus.common.testing.graph import subgraph

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)

Start = Callable[..., Any]


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Start]:
    """``start(graph)``: the analysis on an in-memory bus, projecting into ``graph``."""
    async with contextlib.AsyncExitStack() as running:

        async def starter(graph: BoltGraph) -> MessageBus:
            settings = Settings(
                data_dir=tmp_path, analysis_workers=0, analysis_emotion_model="tfidf"
            )
            service = await running.enter_async_context(
                on_the_bus(
                    lambda store, bus: build_analysis(settings, store, bus, graph),
                    [],
                    partitions=1,
                    graph=graph,
                )
            )
            return service.bus

        yield starter


class Session:
    """One user's session and the events about it, as the gateway and the analysis publish
    them."""

    def __init__(self, user: str, title: str = "Monday", day: int = 0) -> None:
        self.ids = {"session_id": new_id(), "user_id": user}
        self.title = title
        self.created_at = T0 + timedelta(days=day)

    @property
    def id(self) -> str:
        return self.ids["session_id"]

    def created(self) -> SessionCreated:
        return SessionCreated(**self.ids, title=self.title, created_at=self.created_at)

    def emotion(self, n: int, name: str) -> EmotionDetected:
        return EmotionDetected(
            **self.ids,
            content_id="c1",
            emotion_id=f"{self.id}-e{n}",
            name=name,
            intensity=0.7,
            timestamp=float(n),
            segment=n,
            excerpt="...",
        )

    def topic(self, n: int, label: str) -> TopicDetected:
        return TopicDetected(
            **self.ids,
            content_id="c1",
            topic_id=f"{self.id}-t{n}",
            label=label,
            score=0.5,
            keywords=tuple(label.split()),
            segments=(n,),
        )

    def insight(self, n: int) -> InsightGenerated:
        return InsightGenerated(
            **self.ids,
            content_id="c1",
            insight_id=f"{self.id}-i{n}",
            kind="pattern",
            title="t",
            description="d",
            confidence=0.6,
            evidence={},
        )

    def action_item(self, n: int) -> ActionItem:
        return ActionItem(
            id=f"{self.id}-a{n}",
            session_id=self.id,
            title="call my sister",
            status="open",
            source="analysis",
            created_at=T0,
            updated_at=T0,
        )

    def everything(self) -> list[Event]:
        return [
            self.created(),
            self.emotion(0, "fear"),
            self.emotion(1, "gratitude"),
            self.topic(0, "job interview"),
            self.insight(0),
            ActionItemCreated(**self.ids, action_item=self.action_item(0)),
        ]


async def publish_all(bus: MessageBus, events: Sequence[Event]) -> list[Envelope]:
    return [await publish(bus, e, source="gateway") for e in events]


async def journey_of(graph: BoltGraph, user: str) -> Journey:
    return await graph.journey(user, sessions=50)


@pytest.fixture
async def graph(graph_server: BoltConfig) -> AsyncIterator[BoltGraph]:
    """The test's own reader of the graph the projector writes (the process has another)."""
    reader = BoltGraph(graph_server)
    await reader.start()
    yield reader
    await reader.close()


def projected(graph: BoltGraph, user: str, check: Callable[[Journey], bool]) -> Any:
    async def ready() -> bool:
        return check(await journey_of(graph, user))

    return eventually(ready)


async def test_a_session_and_its_findings_are_projected_into_the_graph(
    start: Start, graph_server: BoltConfig, graph: BoltGraph
) -> None:
    bus = await start(BoltGraph(graph_server))
    user = new_id()
    monday, tuesday = Session(user), Session(user, "Tuesday", day=1)
    await publish_all(bus, monday.everything())
    await publish_all(bus, [tuesday.created(), tuesday.topic(0, "job interview")])

    def complete(j: Journey) -> bool:
        return bool(j.recurring_topics) and any(s.emotions for s in j.sessions)

    await projected(graph, user, complete)
    journey = await journey_of(graph, user)
    assert [(s.title, [e.name for e in s.emotions]) for s in journey.sessions] == [
        ("Monday", ["fear", "gratitude"]),
        ("Tuesday", []),
    ]
    assert [(t.name, [s.title for s in t.sessions]) for t in journey.recurring_topics] == [
        ("job interview", ["Monday", "Tuesday"])
    ]
    # The action item, as the gateway owns it (projected from its topic, not the suggestion).
    items = await graph.run(
        "MATCH (:Session {id: $s})-[:CONTAINS]->(a:ActionItem) RETURN a.title AS t, a.status AS s",
        s=monday.id,
    )
    assert items == [{"t": "call my sister", "s": "open"}]


async def test_redelivered_events_change_nothing(
    start: Start, graph_server: BoltConfig, graph: BoltGraph
) -> None:
    bus = await start(BoltGraph(graph_server))
    user = new_id()
    monday = Session(user)
    envelopes = await publish_all(bus, monday.everything())
    await projected(graph, user, lambda j: bool(j.sessions and j.sessions[0].emotions))
    before = await subgraph(graph, user)

    for envelope, event in zip(envelopes, monday.everything(), strict=True):
        await bus.publish(event.topic, envelope)  # the same envelopes, again
    # A sentinel behind them on each of their topics (one partition each).
    sentinel = Session(user, "Sentinel", day=1)
    await publish_all(bus, sentinel.everything())
    await projected(graph, user, lambda j: len(j.sessions) == 2 and bool(j.sessions[1].emotions))
    await eventually(lambda: _has_action_item(graph, sentinel))

    after = [row for row in await subgraph(graph, user) if row["session"] == monday.id]
    assert after == before and len(before) == 5


async def _has_action_item(graph: BoltGraph, session: Session) -> bool:
    rows = await graph.run(
        "MATCH (:Session {id: $s})-[:CONTAINS]->(a:ActionItem) RETURN a.id AS id", s=session.id
    )
    return bool(rows)


async def test_a_deleted_session_leaves_the_graph_and_late_findings_stay_out(
    start: Start, graph_server: BoltConfig, graph: BoltGraph
) -> None:
    bus = await start(BoltGraph(graph_server))
    user = new_id()
    gone, kept = Session(user, "Gone"), Session(user, "Kept", day=1)
    await publish_all(bus, [*gone.everything(), *kept.everything()])
    await projected(graph, user, lambda j: bool(j.recurring_topics))

    await publish(bus, SessionDeleted(**gone.ids), source="gateway")
    await projected(graph, user, lambda j: [s.title for s in j.sessions] == ["Kept"])
    journey = await journey_of(graph, user)
    assert journey.recurring_topics == ()  # "job interview" is the kept session's alone now

    # Findings still in flight for it arrive (another topic), then a sentinel behind them.
    await publish_all(bus, [gone.emotion(5, "anger"), gone.topic(3, "job interview")])
    await publish(bus, kept.emotion(9, "relief"), source="analysis")
    await projected(graph, user, lambda j: "relief" in {e.name for e in j.sessions[0].emotions})
    assert [s.title for s in (await journey_of(graph, user)).sessions] == ["Kept"]
    assert [r for r in await subgraph(graph, user) if r["session"] == gone.id] == []

    # An action item the user deletes leaves too.
    await publish(
        bus, ActionItemDeleted(**kept.ids, action_item=kept.action_item(0)), source="gateway"
    )
    await eventually(lambda: _gone(graph, kept))


async def _gone(graph: BoltGraph, session: Session) -> bool:
    return not await _has_action_item(graph, session)


async def test_while_the_graph_is_down_the_projector_waits_and_loses_nothing(
    start: Start, graph_server: BoltConfig, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    port = free_bolt_port()
    down = BoltGraph(BoltConfig(f"bolt://127.0.0.1:{port}", connection_timeout_s=1))
    bus = await start(down)
    user = new_id()
    monday = Session(user)
    with caplog.at_level(logging.WARNING):
        await publish_all(bus, monday.everything())
        # The bus would have dead-lettered by now (three quick attempts): it is waiting.
        await eventually(lambda: "projecting waits" in caplog.text)
    with run_falkordb(bolt_port=port, directory=tmp_path / "late") as url:
        reader = BoltGraph(BoltConfig(url))
        await reader.start()
        try:
            # Everything published while it was down arrives: none of it was dead-lettered.
            await projected(reader, user, lambda j: bool(j.sessions and j.sessions[0].emotions))
            await eventually(lambda: _has_action_item(reader, monday))
            rows = await subgraph(reader, user)
            assert {r["label"] for r in rows} == {"Emotion", "Topic", "Insight", "ActionItem"}
        finally:
            await reader.close()
