"""The graph contract (see ``graph/port.py``), run against the Bolt server of the test
session: a FalkorDB, or whatever INSIGHTBUS_TEST_GRAPH_URL names (a Neo4j).

What the graph holds is checked with Cypher, as a system reading the graph directly
would see it, and through the journey, as the gateway reads it. Every test uses ids of
its own, so they share one database."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from insightbus.common.events import new_id
from insightbus.common.graph import (
    RECURRING_TOPICS,
    SESSIONS_PER_TOPIC,
    ActionItemNode,
    EmotionNode,
    GraphUnavailable,
    InsightNode,
    SessionNode,
    TopicMention,
)
from insightbus.common.graph.bolt import BoltConfig, BoltGraph
from insightbus.common.graph.embedded import EmbeddedGraph
from insightbus.common.testing.factories import free_port

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def graph(graph_server: BoltConfig) -> AsyncIterator[BoltGraph]:
    g = BoltGraph(graph_server)
    await g.start()
    yield g
    await g.close()


class Ids:
    """Fresh ids for one test: users, sessions, a content."""

    def __init__(self) -> None:
        self.prefix = new_id()[:12]

    def __call__(self, name: str) -> str:
        return f"{self.prefix}-{name}"


@pytest.fixture
def ids() -> Ids:
    return Ids()


def session(ids: Ids, name: str, user: str = "ada", days: int = 0) -> SessionNode:
    return SessionNode(ids(name), ids(user), f"Session {name}", T0 + timedelta(days=days))


def emotion(s: SessionNode, n: int, name: str, intensity: float = 0.5, **kw: Any) -> EmotionNode:
    return EmotionNode(
        id=f"{s.id}-e{n}",
        session_id=s.id,
        user_id=kw.pop("user_id", s.user_id),
        content_id=f"{s.id}-c",
        name=name,
        intensity=intensity,
        timestamp=kw.pop("timestamp", float(n)),
        segment=n,
    )


def topic(s: SessionNode, name: str, score: float = 0.5) -> TopicMention:
    return TopicMention(s.id, s.user_id, f"{s.id}-c", name, score)


def insight(s: SessionNode, n: int) -> InsightNode:
    return InsightNode(f"{s.id}-i{n}", s.id, s.user_id, f"{s.id}-c", "pattern", "t", "d", 0.7)


def action_item(s: SessionNode, n: int, status: str = "open") -> ActionItemNode:
    return ActionItemNode(
        id=f"{s.id}-a{n}",
        session_id=s.id,
        user_id=s.user_id,
        title=f"do {n}",
        description=None,
        status=status,
        due_date=T0 + timedelta(days=7),
        source="analysis",
        created_at=T0,
        updated_at=T0,
    )


async def project(graph: BoltGraph, s: SessionNode, *, topics: tuple[str, ...] = ()) -> None:
    """A session and a little of everything in it."""
    await graph.put_session(s)
    await graph.put_emotions([emotion(s, 0, "fear", 0.8), emotion(s, 1, "joy", 0.6)])
    await graph.put_topics([topic(s, name) for name in topics])
    await graph.put_insights([insight(s, 0)])
    await graph.put_action_items([action_item(s, 0)])


async def census(graph: BoltGraph, user_id: str) -> dict[str, int]:
    """Every node and relationship hanging off the user, by label and type."""
    nodes = await graph.run(
        "MATCH (u:User {id: $user})-[:OWNS]->(s:Session) OPTIONAL MATCH (s)-[:CONTAINS]->(n)"
        " RETURN count(DISTINCT s) AS sessions, labels(n)[0] AS label, count(DISTINCT n) AS n",
        user=user_id,
    )
    found = {f"node:{row['label']}": row["n"] for row in nodes if row["label"]}
    found["node:Session"] = nodes[0]["sessions"] if nodes else 0
    found["node:User"] = len(await graph.run("MATCH (u:User {id: $user}) RETURN u", user=user_id))
    rels = await graph.run(
        "MATCH (u:User {id: $user})-[o:OWNS]->(s:Session) OPTIONAL MATCH (s)-[c:CONTAINS]->()"
        " RETURN count(DISTINCT o) AS owns, count(DISTINCT c) AS contains",
        user=user_id,
    )
    found["rel:OWNS"], found["rel:CONTAINS"] = rels[0]["owns"], rels[0]["contains"]
    return found


async def test_a_session_and_its_findings_take_the_documented_shape(
    graph: BoltGraph, ids: Ids
) -> None:
    s = session(ids, "monday")
    await project(graph, s, topics=("budget slides",))
    rows = await graph.run(
        "MATCH (:User {id: $user})-[:OWNS]->(:Session {id: $session})-[:CONTAINS]->(n)"
        " RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label",
        user=s.user_id,
        session=s.id,
    )
    assert {r["label"]: r["n"] for r in rows} == {
        "ActionItem": 1,
        "Emotion": 2,
        "Insight": 1,
        "Topic": 1,
    }
    # The properties a client of the graph reads, and the session's time as a sortable string.
    found = await graph.run(
        "MATCH (s:Session {id: $session})-[:CONTAINS]->(e:Emotion)"
        " RETURN s.title AS title, s.created_at AS at, e.id AS id, e.name AS name,"
        " e.intensity AS intensity, e.timestamp AS timestamp ORDER BY e.timestamp",
        session=s.id,
    )
    assert found == [
        {
            "title": "Session monday",
            "at": "2026-11-02T09:00:00.000000+00:00",
            "id": f"{s.id}-e0",
            "name": "fear",
            "intensity": 0.8,
            "timestamp": 0.0,
        },
        {
            "title": "Session monday",
            "at": "2026-11-02T09:00:00.000000+00:00",
            "id": f"{s.id}-e1",
            "name": "joy",
            "intensity": 0.6,
            "timestamp": 1.0,
        },
    ]
    journey = await graph.journey(s.user_id, sessions=10)
    (only,) = journey.sessions
    assert (only.id, only.title, only.created_at) == (
        s.id,
        "Session monday",
        "2026-11-02T09:00:00.000000+00:00",
    )
    assert [(e.name, e.intensity, e.timestamp) for e in only.emotions] == [
        ("fear", 0.8, 0.0),
        ("joy", 0.6, 1.0),
    ]
    assert only.topics == ("budget slides",)
    assert journey.recurring_topics == ()


async def test_putting_the_same_things_again_changes_nothing(graph: BoltGraph, ids: Ids) -> None:
    first, second = session(ids, "a"), session(ids, "b", days=1)
    for s in (first, second):
        await project(graph, s, topics=("sleep", "work"))
    before = await census(graph, first.user_id)
    journey = await graph.journey(first.user_id, sessions=10)
    for s in (second, first):  # a redelivery, in any order
        await project(graph, s, topics=("sleep", "work"))
    assert await census(graph, first.user_id) == before
    assert before == {
        "node:User": 1,
        "node:Session": 2,
        "node:Emotion": 4,
        "node:Insight": 2,
        "node:ActionItem": 2,
        "node:Topic": 2,  # shared by both sessions
        "rel:OWNS": 2,
        "rel:CONTAINS": 12,
    }
    assert await graph.journey(first.user_id, sessions=10) == journey


async def test_a_topic_is_the_users_own_and_connects_their_sessions(
    graph: BoltGraph, ids: Ids
) -> None:
    monday, tuesday = session(ids, "mon"), session(ids, "tue", days=1)
    wednesday = session(ids, "wed", days=2)
    stranger = session(ids, "other", user="grace")
    await project(graph, tuesday, topics=("budget slides", "deadline"))
    await project(graph, monday, topics=("budget slides",))
    await project(graph, wednesday, topics=("budget slides", "deadline", "holiday"))
    await project(graph, stranger, topics=("budget slides",))

    journey = await graph.journey(monday.user_id, sessions=10)
    assert [s.id for s in journey.sessions] == [monday.id, tuesday.id, wednesday.id]
    recurring = {t.name: [s.id for s in t.sessions] for t in journey.recurring_topics}
    assert recurring == {
        "budget slides": [monday.id, tuesday.id, wednesday.id],  # oldest first
        "deadline": [tuesday.id, wednesday.id],
    }
    assert [t.name for t in journey.recurring_topics] == ["budget slides", "deadline"]
    # Another user's sessions share nothing with these: not even a topic's name.
    assert (await graph.journey(stranger.user_id, sessions=10)).recurring_topics == ()
    topics = await graph.run(
        "MATCH (t:Topic {name: 'budget slides'}) WHERE t.user_id IN $users RETURN t.user_id AS u",
        users=[monday.user_id, stranger.user_id],
    )
    assert sorted(r["u"] for r in topics) == sorted([monday.user_id, stranger.user_id])


async def test_findings_that_come_before_their_session_are_kept(graph: BoltGraph, ids: Ids) -> None:
    s = session(ids, "early")
    await graph.put_emotions([emotion(s, 0, "relief")])
    await graph.put_topics([topic(s, "moving house")])
    (known,) = (await graph.journey(s.user_id, sessions=10)).sessions
    assert (known.title, known.created_at, [e.name for e in known.emotions]) == (
        None,
        None,
        ["relief"],
    )
    await graph.put_session(s)  # session.created, late (another topic)
    (known,) = (await graph.journey(s.user_id, sessions=10)).sessions
    assert (known.title, known.topics, [e.name for e in known.emotions]) == (
        "Session early",
        ("moving house",),
        ["relief"],
    )


async def test_a_session_belongs_to_the_first_user_named(graph: BoltGraph, ids: Ids) -> None:
    mine = session(ids, "mine")
    await project(graph, mine)
    before = await census(graph, mine.user_id)
    # Something of the session that names another user is dropped.
    await graph.put_emotions([emotion(mine, 5, "anger", user_id=ids("mallory"))])
    await graph.put_session(replace(mine, user_id=ids("mallory"), title="stolen"))
    assert await census(graph, mine.user_id) == before
    assert (await graph.journey(ids("mallory"), sessions=10)).sessions == ()
    (kept,) = (await graph.journey(mine.user_id, sessions=10)).sessions
    assert kept.title == "Session mine" and "anger" not in {e.name for e in kept.emotions}


async def test_a_removed_session_leaves_with_what_only_it_contains_and_stays_gone(
    graph: BoltGraph, ids: Ids
) -> None:
    gone, kept = session(ids, "gone"), session(ids, "kept", days=1)
    await project(graph, gone, topics=("budget slides", "deadline"))
    await project(graph, kept, topics=("budget slides",))

    await graph.remove_session(gone.user_id, gone.id)

    journey = await graph.journey(gone.user_id, sessions=10)
    assert [s.id for s in journey.sessions] == [kept.id]
    assert journey.recurring_topics == ()
    left = await graph.run(
        "MATCH (n) WHERE n.id STARTS WITH $gone RETURN labels(n)[0] AS label", gone=gone.id
    )
    assert left == [{"label": "DeletedSession"}]  # its id only, so that nothing brings it back
    topics = await graph.run(
        "MATCH (t:Topic {user_id: $user}) RETURN t.name AS name", user=gone.user_id
    )
    assert [t["name"] for t in topics] == ["budget slides"]  # "deadline" was only the gone one's

    # Late or redelivered: its own event, its findings, a second removal. Nothing comes back.
    await project(graph, gone, topics=("deadline",))
    await graph.remove_session(gone.user_id, gone.id)
    assert await graph.journey(gone.user_id, sessions=10) == journey
    assert await census(graph, gone.user_id) == {
        "node:User": 1,
        "node:Session": 1,
        "node:Emotion": 2,
        "node:Insight": 1,
        "node:ActionItem": 1,
        "node:Topic": 1,
        "rel:OWNS": 1,
        "rel:CONTAINS": 5,
    }


async def test_action_items_change_and_leave(graph: BoltGraph, ids: Ids) -> None:
    s = session(ids, "todo")
    await project(graph, s)
    await graph.put_action_items([action_item(s, 0, status="done"), action_item(s, 1)])
    rows = await graph.run(
        "MATCH (:Session {id: $session})-[:CONTAINS]->(a:ActionItem)"
        " RETURN a.id AS id, a.status AS status, a.due_date AS due ORDER BY id",
        session=s.id,
    )
    assert rows == [
        {"id": f"{s.id}-a0", "status": "done", "due": "2026-11-09T09:00:00.000000+00:00"},
        {"id": f"{s.id}-a1", "status": "open", "due": "2026-11-09T09:00:00.000000+00:00"},
    ]
    await graph.remove_action_item(f"{s.id}-a0")
    await graph.remove_action_item(f"{s.id}-a0")
    rows = await graph.run(
        "MATCH (a:ActionItem) WHERE a.id STARTS WITH $session RETURN a.id AS id", session=s.id
    )
    assert rows == [{"id": f"{s.id}-a1"}]


async def test_long_runs_and_long_texts_are_taken_whole_or_cut_but_never_crash_the_server(
    graph: BoltGraph, ids: Ids
) -> None:
    """A document's findings come in runs of dozens, with ids of 32 characters: FalkorDB
    crashes on a Bolt message over 4 KiB, so they go in several statements; a text too long
    for one (an action item's description: 2,000 characters, 4 bytes each) is cut there."""
    s = SessionNode(ids("s") + "x" * 20, ids("ada"), "t" * 200, T0)
    await graph.put_session(s)
    run = [replace(emotion(s, n, "nervousness"), id=f"{s.id}-{n:040d}") for n in range(200)]
    await graph.put_emotions(run)
    long = "😟" * 2000
    item = replace(action_item(s, 0), description=long, title="t" * 200)
    note = replace(insight(s, 0), description="why " * 3000)
    await graph.put_action_items([item])
    await graph.put_insights([note])
    assert await graph.healthy()
    (known,) = (await graph.journey(s.user_id, sessions=5)).sessions
    assert len(known.emotions) == 200
    rows = await graph.run(
        "MATCH (:Session {id: $s})-[:CONTAINS]->(n) WHERE n:ActionItem OR n:Insight"
        " RETURN n.description AS d ORDER BY size(n.description)",
        s=s.id,
    )
    for stored, original in zip(
        [r["d"] for r in rows], sorted([long, note.description], key=len), strict=True
    ):
        assert stored == original or (
            stored.endswith("…") and original.startswith(stored[:-1]) and len(stored) > 100
        )


async def test_texts_with_quotes_and_backslashes_are_stored_as_they_are(
    graph: BoltGraph, ids: Ids
) -> None:
    """What people write: "I'm", "'manager criticized' comes with anger", a Windows path."""
    s = session(ids, "quotes")
    await graph.put_session(replace(s, title="Ada's week"))
    texts = ["'manager criticized' comes with anger", "I'm \\fine\\n, \\' really", 'say "hi"']
    await graph.put_insights(
        [replace(insight(s, n), title=t, description=t) for n, t in enumerate(texts)]
    )
    await graph.put_topics([topic(s, "don't panic")])
    rows = await graph.run(
        "MATCH (:Session {id: $s})-[:CONTAINS]->(i:Insight) RETURN i.title AS t ORDER BY t", s=s.id
    )
    assert [r["t"] for r in rows] == sorted(texts)
    (known,) = (await graph.journey(s.user_id, sessions=5)).sessions
    assert known.title == "Ada's week"


async def test_the_journey_keeps_to_the_latest_sessions_but_topics_recur_across_all(
    graph: BoltGraph, ids: Ids
) -> None:
    days = [session(ids, f"day{n}", days=n) for n in range(5)]
    for s in days:
        await project(graph, s, topics=("sleep",) if s in (days[0], days[4]) else ())
    journey = await graph.journey(days[0].user_id, sessions=2)
    assert [s.id for s in journey.sessions] == [days[3].id, days[4].id]
    assert [s.topics for s in journey.sessions] == [(), ("sleep",)]
    (sleep,) = journey.recurring_topics
    assert [s.id for s in sleep.sessions] == [days[0].id, days[4].id]
    assert sleep.session_count == 2


async def test_what_the_journey_answers_stays_bounded_however_long_the_history(
    graph: BoltGraph, ids: Ids
) -> None:
    days = [session(ids, f"day{n:02d}", days=n) for n in range(SESSIONS_PER_TOPIC + 5)]
    for n, s in enumerate(days):
        await graph.put_session(s)
        # One topic in every session, and more recurring topics than the journey lists.
        names = ["sleep", *(f"topic {k}" for k in range(n % 3, RECURRING_TOPICS + 3, 3))]
        await graph.put_topics([topic(s, name) for name in names])
    journey = await graph.journey(days[0].user_id, sessions=3)
    assert len(journey.sessions) == 3
    assert len(journey.recurring_topics) == RECURRING_TOPICS
    sleep = journey.recurring_topics[0]
    assert (sleep.name, sleep.session_count) == ("sleep", len(days))
    assert [s.id for s in sleep.sessions] == [s.id for s in days[:SESSIONS_PER_TOPIC]]
    counts = [t.session_count for t in journey.recurring_topics]
    assert counts == sorted(counts, reverse=True)


async def test_an_unreachable_server_is_unavailable_not_an_error() -> None:
    graph = BoltGraph(BoltConfig(f"bolt://127.0.0.1:{free_port()}", connection_timeout_s=1))
    await graph.start()
    try:
        assert await graph.healthy() is False
        with pytest.raises(GraphUnavailable):
            await graph.journey("u", sessions=1)
        with pytest.raises(GraphUnavailable):
            await graph.remove_session("u", "s")
    finally:
        await graph.close()


async def test_clients_that_come_and_go_leave_the_server_answering(
    graph_server: BoltConfig, ids: Ids
) -> None:
    """FalkorDB leaves the connection after a client's close unanswered (see bolt.py): each
    client here connects promptly after the last one closed."""
    for n in range(4):
        started = time.monotonic()
        g = BoltGraph(graph_server)
        await g.start()
        await g.put_session(session(ids, f"s{n}"))
        # Connections of their own at once: the pool grows, each new one after a close.
        await asyncio.gather(*(g.journey(ids("ada"), sessions=10) for _ in range(3)))
        await g.close()
        assert time.monotonic() - started < 2.0, f"client {n} waited for its connection"
    # A client that knows nothing of this, after ours closed.
    from neo4j import AsyncGraphDatabase

    auth = (graph_server.user or "", graph_server.password) if graph_server.password else None
    driver = AsyncGraphDatabase.driver(graph_server.url, auth=auth, connection_timeout=2)
    try:
        async with driver.session(database=graph_server.database) as s:
            result = await s.run(
                "MATCH (x:Session) WHERE x.id STARTS WITH $p RETURN count(x) AS n", p=ids.prefix
            )
            assert (await result.single() or {})["n"] == 4
    finally:
        await driver.close()


# --- the embedded graph: a FalkorDB the process runs itself ------------------------------


async def test_the_embedded_graph_keeps_its_data_across_restarts(tmp_path: Path) -> None:
    ids = Ids()
    s = session(ids, "kept")
    first = EmbeddedGraph(tmp_path / "graph", database="insightbus")
    await first.start()
    assert await first.healthy()
    await project(first, s, topics=("sleep",))
    journey = await first.journey(s.user_id, sessions=5)
    await first.close()
    assert await first.healthy() is False  # stopped, its process gone

    again = EmbeddedGraph(tmp_path / "graph", database="insightbus")
    await again.start()
    try:
        assert await again.journey(s.user_id, sessions=5) == journey
    finally:
        await again.close()


# --- the README's Cypher, as a system reading the graph directly runs it -----------------


def readme_cypher() -> list[str]:
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text()
    return re.findall(r"```cypher\n(.*?)```", readme, re.S)


async def test_the_readme_cypher_examples_answer_as_they_say(graph: BoltGraph, ids: Ids) -> None:
    queries = readme_cypher()
    assert len(queries) == 5, "the README's graph section changed: keep this test with it"
    monday, tuesday = session(ids, "mon"), session(ids, "tue", days=1)
    await project(graph, monday, topics=("budget slides", "deadline"))
    await project(graph, tuesday, topics=("budget slides",))
    params = {"user_id": monday.user_id, "topic": "budget slides", "session_id": monday.id}
    over_time, recurring, feelings, shared, open_items = [
        await graph.run(query, **params) for query in queries
    ]
    assert [(r["session"], r["emotion"], r["at"]) for r in over_time] == [
        ("Session mon", "fear", 0.0),
        ("Session mon", "joy", 1.0),
        ("Session tue", "fear", 0.0),
        ("Session tue", "joy", 1.0),
    ]
    assert [(r["topic"], r["sessions"], sorted(r["titles"])) for r in recurring] == [
        ("budget slides", 2, ["Session mon", "Session tue"])
    ]
    assert [(r["emotion"], r["times"]) for r in feelings] == [("fear", 2), ("joy", 2)]
    assert feelings[0]["mean_intensity"] == pytest.approx(0.8)
    assert [(r["session"], r["shared"]) for r in shared] == [(tuesday.id, ["budget slides"])]
    assert [(r["session"], r["action_item"]) for r in open_items] == [
        ("Session mon", "do 0"),
        ("Session tue", "do 0"),
    ]


async def test_the_embedded_graph_starts_its_server_again_should_it_die(tmp_path: Path) -> None:
    ids = Ids()
    graph = EmbeddedGraph(tmp_path / "graph", database="insightbus")
    await graph.start()
    try:
        await project(graph, session(ids, "before"))
        server = graph.server
        assert server is not None and server.pid is not None
        os.kill(server.pid, signal.SIGKILL)  # as a crash would: no snapshot on the way out
        await asyncio.to_thread(lambda: _reaped(server))
        assert await graph.healthy() is False
        await project(graph, session(ids, "after", days=1))  # starts it again, and goes on
        assert await graph.healthy()
        titles = [s.title for s in (await graph.journey(ids("ada"), sessions=5)).sessions]
        assert titles[-1] == "Session after"
    finally:
        await graph.close()


def _reaped(server: Any) -> None:
    deadline = time.monotonic() + 10
    while server.alive() and time.monotonic() < deadline:
        time.sleep(0.01)
