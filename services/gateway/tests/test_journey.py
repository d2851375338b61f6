"""``GET /api/v1/users/me/journey``: the caller's journey from the graph, in the usual
envelopes; 503 with the reason when the graph is off or does not answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from insightbus.common.graph import EmotionNode, Graph, SessionNode, TopicMention
from insightbus.common.graph.bolt import BoltConfig, BoltGraph
from insightbus.common.testing.factories import auth, free_port
from services.gateway.tests.conftest import Harness

JOURNEY = "/api/v1/users/me/journey"


async def test_with_the_graph_off_the_journey_answers_503_with_the_reason(
    harness: Harness,
) -> None:
    token = await harness.user()
    r = await harness.client.get(JOURNEY, headers=auth(token))
    assert r.status_code == 503
    assert r.json() == {
        "status": "error",
        "success": False,
        "error": "the graph is turned off on this server (INSIGHTBUS_GRAPH=off)",
        "details": None,
    }
    # Like every route: who asks comes first.
    assert (await harness.client.get(JOURNEY)).status_code == 401


class TestFromTheGraph:
    @pytest.fixture
    def gateway_graph(self, graph_server: BoltConfig) -> Graph:
        return BoltGraph(graph_server)

    async def test_the_journey_is_the_callers_own(
        self, harness: Harness, gateway_graph: BoltGraph
    ) -> None:
        ada = await harness.user("ada@example.com")
        grace = await harness.user("grace@example.com")
        ada_id, grace_id = harness.user_id(ada), harness.user_id(grace)
        t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
        # What the analysis' projector would have written (its own tests prove that part).
        for n, user in enumerate((ada_id, ada_id, grace_id)):
            s = SessionNode(f"{user}-s{n}", user, f"Day {n}", t0 + timedelta(days=n))
            await gateway_graph.put_session(s)
            await gateway_graph.put_emotions(
                [EmotionNode(f"{s.id}-e", s.id, user, "c", "joy", 0.9, 12.0, 1)]
            )
            await gateway_graph.put_topics([TopicMention(s.id, user, "c", "sleep", 0.5)])

        r = await harness.client.get(JOURNEY, headers=auth(ada))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["success"] is True and body["status"] == "success"
        journey = body["data"]
        assert [s["title"] for s in journey["sessions"]] == ["Day 0", "Day 1"]
        assert journey["sessions"][0] == {
            "id": f"{ada_id}-s0",
            "title": "Day 0",
            "created_at": "2026-11-02T09:00:00.000000+00:00",
            "emotions": [
                {
                    "id": f"{ada_id}-s0-e",
                    "name": "joy",
                    "intensity": 0.9,
                    "timestamp": 12.0,
                    "segment": 1,
                }
            ],
            "topics": ["sleep"],
        }
        (sleep,) = journey["recurring_topics"]
        assert sleep["name"] == "sleep"
        assert [s["id"] for s in sleep["sessions"]] == [f"{ada_id}-s0", f"{ada_id}-s1"]

        latest = await harness.client.get(JOURNEY, headers=auth(ada), params={"sessions": 1})
        assert [s["title"] for s in latest.json()["data"]["sessions"]] == ["Day 1"]
        theirs = (await harness.client.get(JOURNEY, headers=auth(grace))).json()["data"]
        assert [s["id"] for s in theirs["sessions"]] == [f"{grace_id}-s2"]
        assert theirs["recurring_topics"] == []

    @pytest.mark.parametrize("sessions", ["0", "101", "many"])
    async def test_a_bad_count_of_sessions_is_422(self, harness: Harness, sessions: str) -> None:
        token = await harness.user()
        r = await harness.client.get(JOURNEY, headers=auth(token), params={"sessions": sessions})
        assert r.status_code == 422 and r.json()["error"] == "validation failed"


class TestAGraphThatDoesNotAnswer:
    @pytest.fixture
    def gateway_graph(self) -> Graph:
        return BoltGraph(BoltConfig(f"bolt://127.0.0.1:{free_port()}", connection_timeout_s=1))

    async def test_the_journey_is_503_and_readiness_says_degraded(self, harness: Harness) -> None:
        token = await harness.user()
        r = await harness.client.get(JOURNEY, headers=auth(token))
        assert r.status_code == 503
        assert r.json()["error"] == "the graph does not answer right now"
        # Still ready: a load balancer must not take the whole gateway out for one route.
        ready = await harness.client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["data"]["checks"]["graph"] == "unavailable"
        assert ready.json()["data"]["degraded"] == ["graph"]
        health = await harness.client.get("/health")
        assert health.status_code == 503
        assert health.json()["details"]["dependencies"]["graph"] == "unavailable"
        # Everything else works: the graph is one read model among others.
        assert (
            await harness.client.get("/api/v1/sessions", headers=auth(token))
        ).status_code == 200
