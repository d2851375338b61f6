"""The graph through `insightbus up`: the analysis projects into it (a FalkorDB the stack runs,
or the server INSIGHTBUS_GRAPH_URL names) and ``GET /api/v1/users/me/journey`` reads it."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from contextlib import aclosing
from pathlib import Path
from typing import Any

import httpx

from insightbus.common.graph.bolt import BoltConfig, BoltGraph
from insightbus.common.testing.factories import eventually
from insightbus.common.testing.graph import subgraph
from tests.conftest import RunningStack, StackFactory, graph_env
from tests.e2e.flow import create_session, signed_up_client, upload, watch_until_complete

JOURNEY = "/api/v1/users/me/journey"

# The README's diary entry, as a timed transcript: its emotions get their times.
DIARY = [
    {
        "speaker": "Me",
        "text": "Today was rough. My manager criticized the report in front of the whole team"
        " and I felt humiliated and angry.",
        "timestamp": "00:00:05",
    },
    {
        "speaker": "Me",
        "text": "Later my friend called and we laughed about it; I felt much better and"
        " grateful to have her.",
        "timestamp": "00:00:40",
    },
    {
        "speaker": "Me",
        "text": "I need to finish the budget slides by Friday ... I'm worried about the deadline"
        " but also excited about the new project launch",
        "timestamp": "00:01:10",
    },
]
# The next day's entry, a plain text: it comes back to the budget slides.
NEXT_DAY = (
    "The budget slides are done and my manager liked them. I felt proud and relieved. "
    "The deadline for the project launch moved, which worried me a little, but I slept well."
)


async def analysed_session(
    stack: RunningStack, client: httpx.AsyncClient, token: str, title: str, name: str, body: bytes
) -> str:
    session_id = await create_session(client, title)
    await upload(client, session_id, name, body)
    messages = await watch_until_complete(stack.ws_url, session_id, token)
    assert messages[-1]["type"] == "analysis_complete", messages[-1]
    return session_id


async def journey_when(client: httpx.AsyncClient, ready: Any) -> dict[str, Any]:
    """The journey once ``ready(journey)``: the graph follows the events, moments later."""

    async def check() -> dict[str, Any] | None:
        r = await client.get(JOURNEY)
        assert r.status_code == 200, r.text
        journey: dict[str, Any] = r.json()["data"]
        return journey if ready(journey) else None

    found: dict[str, Any] = await eventually(check)
    return found


def analysed_sessions(count: int) -> Any:
    return lambda j: len(j["sessions"]) == count and all(s["emotions"] for s in j["sessions"])


async def two_diary_days(
    stack: RunningStack,
) -> tuple[httpx.AsyncClient, str, str, str, str]:
    """A new user's client, token and id, and their Monday and Tuesday sessions, analysed."""
    client, token, user_id = await signed_up_client(stack.base_url)
    monday = await analysed_session(
        stack, client, token, "Monday", "diary.json", json.dumps(DIARY).encode()
    )
    tuesday = await analysed_session(
        stack, client, token, "Tuesday", "diary.txt", NEXT_DAY.encode()
    )
    return client, token, user_id, monday, tuesday


async def test_the_journey_shows_emotions_over_time_and_the_topics_that_recur(
    stack: RunningStack,
) -> None:
    client, _, _, monday, tuesday = await two_diary_days(stack)
    async with aclosing(client):
        journey = await journey_when(client, analysed_sessions(2))

        assert [(s["id"], s["title"]) for s in journey["sessions"]] == [
            (monday, "Monday"),
            (tuesday, "Tuesday"),
        ]
        first = journey["sessions"][0]
        # What the graph holds is what the analysis found: the same emotions, at their times.
        listed = (await client.get(f"/api/v1/sessions/{monday}/emotions")).json()["data"]
        assert sorted(
            (e["id"], e["name"], e["intensity"], e["timestamp"]) for e in first["emotions"]
        ) == sorted((e["id"], e["name"], e["intensity"], e["timestamp"]) for e in listed["items"])
        at = {e["name"]: e["timestamp"] for e in first["emotions"]}
        assert at.get("anger", at.get("embarrassment")) == 5.0, at
        assert at.get("gratitude", at.get("joy")) == 40.0, at
        assert at.get("nervousness", at.get("fear")) == 70.0, at

        recurring = {
            t["name"]: [s["title"] for s in t["sessions"]] for t in journey["recurring_topics"]
        }
        assert recurring.get("budget slides") == ["Monday", "Tuesday"], recurring

        # A deleted session leaves the graph, and the topics only it had with it.
        assert (await client.delete(f"/api/v1/sessions/{monday}")).status_code == 200
        after = await journey_when(client, lambda j: [s["id"] for s in j["sessions"]] == [tuesday])
        assert after["recurring_topics"] == []
        assert after["sessions"][0] == journey["sessions"][1]


async def test_a_full_replay_of_the_log_changes_nothing_in_the_graph(
    stack_factory: StackFactory, graph_server: BoltConfig, tmp_path: Path
) -> None:
    """Every event delivered to the projector again (its offsets reset, as an operator
    rebuilding the graph would): not one node more, and the deleted session stays deleted.
    The stack writes to the test's graph server, so that the test can count nodes."""
    data_dir = tmp_path / "data"
    env = graph_env(graph_server)
    stack = stack_factory(data_dir, env=env)
    client, token, user_id, monday, tuesday = await two_diary_days(stack)
    async with aclosing(client):
        third = await analysed_session(
            stack, client, token, "Wednesday", "diary.txt", NEXT_DAY.encode()
        )
        await journey_when(client, analysed_sessions(3))
        assert (await client.delete(f"/api/v1/sessions/{monday}")).status_code == 200
        await journey_when(client, lambda j: len(j["sessions"]) == 2)
        # Taken once the projector has handled everything: the journey showing the deletion
        # says nothing of events behind it (an action item, another session's results).
        await eventually(lambda: caught_up(data_dir / "bus.db"), timeout=60)
        before = (await client.get(JOURNEY)).json()["data"]
    counted = await census(graph_server, user_id)
    assert stack.stop(signal.SIGINT) == 0, stack.logs()

    with sqlite3.connect(data_dir / "bus.db") as bus:
        assert bus.execute("DELETE FROM offsets WHERE grp = 'analysis-graph'").rowcount > 0

    again = stack_factory(data_dir, env=env)
    await eventually(lambda: caught_up(data_dir / "bus.db"), timeout=60)
    assert await census(graph_server, user_id) == counted
    async with httpx.AsyncClient(base_url=again.base_url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        assert (await client.get(JOURNEY)).json()["data"] == before
    assert [s["id"] for s in before["sessions"]] == [tuesday, third]


async def census(server: BoltConfig, user_id: str) -> list[dict[str, Any]]:
    graph = BoltGraph(server)
    await graph.start()
    try:
        return await subgraph(graph, user_id)
    finally:
        await graph.close()


def caught_up(bus_db: Path) -> bool:
    """The projector's group has handled everything in the log of its topics."""
    with sqlite3.connect(bus_db) as bus:
        behind = bus.execute(
            "SELECT count(*) FROM (SELECT topic, partition, max(offset) AS last FROM log"
            " WHERE topic IN ('insightbus.sessions.v1', 'insightbus.analysis.v1',"
            " 'insightbus.action-items.v1') GROUP BY topic, partition) AS l"
            " LEFT JOIN offsets o ON o.grp = 'analysis-graph' AND o.topic = l.topic"
            " AND o.partition = l.partition WHERE o.committed IS NULL OR o.committed < l.last"
        ).fetchone()[0]
    return behind == 0


async def test_with_the_graph_off_the_journey_is_503_and_the_rest_works(
    stack_factory: StackFactory, tmp_path: Path
) -> None:
    stack = stack_factory(tmp_path / "data", env={"INSIGHTBUS_GRAPH": "off"})
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        r = await client.get(JOURNEY)
        assert r.status_code == 503
        assert r.json()["success"] is False
        assert r.json()["error"] == "the graph is turned off on this server (INSIGHTBUS_GRAPH=off)"
        ready = (await client.get("/readyz")).json()
        assert ready["data"]["status"] == "ready" and "graph" not in ready["data"]["checks"]
        await analysed_session(stack, client, token, "Monday", "diary.txt", NEXT_DAY.encode())
    assert not (tmp_path / "data" / "graph").exists()  # no FalkorDB was started


async def test_journeys_of_users_side_by_side_share_nothing(stack: RunningStack) -> None:
    first, _, _ = await signed_up_client(stack.base_url)
    second, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(first), aclosing(second):
        await analysed_session(stack, second, token, "Mine", "diary.txt", NEXT_DAY.encode())
        mine = await journey_when(second, analysed_sessions(1))
        assert [s["title"] for s in mine["sessions"]] == ["Mine"]
        theirs = await asyncio.gather(
            first.get(JOURNEY), first.get(JOURNEY, params={"sessions": 5})
        )
        assert all(r.json()["data"] == {"sessions": [], "recurring_topics": []} for r in theirs)
