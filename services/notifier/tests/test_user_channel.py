"""``WS /api/v1/ws/{user_id}`` and ``GET /api/v1/ws/status`` through real sockets."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from insightbus.common.events import Envelope, topics
from insightbus.common.events.analysis import AnalysisCompleted, EmotionDetected
from insightbus.common.testing.factories import auth
from services.notifier.tests.conftest import Live, ready, receive
from services.notifier.tests.webhook_support import tickets_classified, tickets_failed

IDS = {"session_id": "s1", "user_id": "u1", "content_id": "c1"}


def channel(live: Live, user_id: str, token: str | None = None) -> str:
    return f"{live.url}/api/v1/ws/{user_id}" + (f"?token={token}" if token else "")


async def test_ping_echo_and_bad_messages(live: Live) -> None:
    async with connect(channel(live, "u1")) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        assert await receive(ws) == {"type": "pong", "user_id": "u1", "message": "Pong!"}
        await ws.send('{"type": "hello", "x": 1}')
        assert await receive(ws) == {
            "type": "echo",
            "user_id": "u1",
            "message": 'Received: {"type": "hello", "x": 1}',
        }
        await ws.send("{not json")
        assert (await receive(ws))["type"] == "error"
        await ws.send(json.dumps({"no": "type"}))
        assert "type" in (await receive(ws))["message"]
        await ws.send(json.dumps({"type": "ping"}))  # still open
        assert (await receive(ws))["type"] == "pong"


async def test_motivation_fits_the_stress_level_and_knows_recent_emotions(live: Live) -> None:
    await live.create_session("s1", "u1")
    for i in range(3):
        await live.publish(
            EmotionDetected(
                **IDS, emotion_id=f"e{i}", name="nervousness", intensity=0.8, segment=i, excerpt="x"
            )
        )
    request = {
        "type": "motivation_requested",
        "current_challenge": "job interview on Friday",
        "stress_level": 9,
    }
    async with connect(live.socket_url("s1", token=live.token("u1"))) as session:
        # Once the session's socket has them, they are in its log.
        assert [(await receive(session))["type"] for _ in range(3)] == ["new_emotion"] * 3
    async with connect(channel(live, "u1", live.token("u1"))) as ws:
        await ws.send(json.dumps(request))
        mine = await receive(ws)
    assert mine["type"] == "motivation_generated" and mine["stress_level"] == 9
    assert "job interview on Friday" in mine["motivation_text"]
    assert "breath" in mine["motivation_text"] and "nervousness" in mine["motivation_text"]
    async with connect(channel(live, "u1")) as ws:  # anonymous: no user data
        await ws.send(json.dumps({**request, "stress_level": 2}))
        anonymous = await receive(ws)
        assert "nervousness" not in anonymous["motivation_text"]
        assert anonymous["motivation_text"] != mine["motivation_text"]
        await ws.send(json.dumps({**request, "stress_level": 11}))
        assert (await receive(ws))["type"] == "error"


async def test_only_the_users_authenticated_socket_gets_notifications(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with (
        connect(channel(live, "u1", live.token("u1"))) as mine,
        connect(channel(live, "u1")) as anonymous,
    ):
        await ready(mine)
        await ready(anonymous)
        await live.publish(
            AnalysisCompleted(
                **IDS, emotions=1, topics=0, insights=0, action_items=0, duration_ms=1, model="m"
            )
        )
        note = await receive(mine)
        assert note["type"] == "analysis_complete" and note["session_id"] == "s1"
        # Had the anonymous socket been told, it would be queued before this answer.
        await ready(anonymous)


async def test_tokens_of_others_and_bad_tokens_are_refused(live: Live) -> None:
    for url, code in (
        (channel(live, "u1", live.token("u2")), 4403),
        (channel(live, "u1", "garbage"), 4401),
    ):
        async with connect(url) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await receive(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == code


async def test_connections_per_user_are_limited_and_status_counts_users(live: Live) -> None:
    http = live.url.replace("ws://", "http://")
    async with httpx.AsyncClient(base_url=http) as client:
        sockets = [await connect(channel(live, "u9")) for _ in range(5)]
        try:
            async with connect(channel(live, "u9")) as extra:
                with pytest.raises(ConnectionClosed) as closed:
                    await receive(extra)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
            status = await client.get("/api/v1/ws/status")
            assert status.status_code == 200
            assert status.json() == {"connected_users": 1, "status": "active"}
        finally:
            for ws in sockets:
                await ws.close()


async def test_status_as_the_diary_guide_reads_it_with_plain_curl(live: Live) -> None:
    # curl http://localhost:8000/api/v1/ws/status: no token, a plain object (no envelope).
    async with connect(channel(live, "u1")) as first, connect(channel(live, "u2")) as second:
        await ready(first)
        await ready(second)
        async with httpx.AsyncClient(base_url=live.http) as client:
            r = await client.get("/api/v1/ws/status")
            assert r.status_code == 200
            assert r.headers["content-type"] == "application/json"
            assert r.json() == {"connected_users": 2, "status": "active"}
            # A token changes nothing: the same count for everyone.
            mine = await client.get("/api/v1/ws/status", headers=auth(live.token("u1")))
            assert mine.json() == r.json()
            doc = (await client.get("/openapi.json")).json()
    operation = doc["paths"]["/api/v1/ws/status"]["get"]
    assert "security" not in operation
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    shape = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(shape["properties"]) == {"connected_users", "status"}
    assert shape["properties"]["status"]["const"] == "active"


async def test_motivation_with_the_diary_clients_defaults(live: Live) -> None:
    # Both diary clients, called without arguments, send an empty challenge; some leave
    # the stress level out, or the challenge too.
    requests = [
        {"type": "motivation_requested", "current_challenge": "", "stress_level": 5},
        {"type": "motivation_requested", "current_challenge": ""},
        {"type": "motivation_requested"},
        {"type": "motivation_requested", "current_challenge": "   "},
    ]
    async with connect(channel(live, "u1", live.token("u1"))) as ws:
        answers = []
        for request in requests:
            await ws.send(json.dumps(request))
            answers.append(await receive(ws))
    for answer in answers:
        assert answer["type"] == "motivation_generated", answer
        assert answer["stress_level"] == 5
        text = answer["motivation_text"]
        # A general message: no empty quotes, no placeholder standing in for a challenge.
        assert len(text) > 40 and "“" not in text and "About" not in text
    assert answers[0]["current_challenge"] == answers[2]["current_challenge"] == ""
    assert len({a["motivation_text"] for a in answers}) == 1
    async with connect(channel(live, "u1")) as ws:
        await ws.send(json.dumps({"type": "motivation_requested", "stress_level": 9}))
        tense = await receive(ws)
        await ws.send(json.dumps({"type": "motivation_requested", "current_challenge": "exams"}))
        exams = await receive(ws)
    assert tense["type"] == "motivation_generated" and "breath" in tense["motivation_text"]
    assert exams["stress_level"] == 5 and "exams" in exams["motivation_text"]


async def test_motivation_still_refuses_real_errors(live: Live) -> None:
    base = {"type": "motivation_requested", "current_challenge": "exams"}
    async with connect(channel(live, "u1")) as ws:
        for bad, field in (
            ({"stress_level": 0}, "stress_level"),
            ({"stress_level": 11}, "stress_level"),
            ({"stress_level": "high"}, "stress_level"),
            ({"stress_level": 5.5}, "stress_level"),
            ({"stress_level": True}, "stress_level"),
            ({"current_challenge": "x" * 501}, "current_challenge"),
            ({"current_challenge": 42}, "current_challenge"),
        ):
            await ws.send(json.dumps({**base, **bad}))
            answer = await receive(ws)
            assert answer["type"] == "error", bad
            assert answer["message"] == "invalid motivation request"
            assert [d["loc"] for d in answer["details"]] == [[field]], answer
        await ws.send(json.dumps({**base, "current_challenge": "x" * 10_000}))
        answer = await receive(ws)
        assert answer["type"] == "error" and "too large" in answer["message"]
        await ready(ws)  # the socket stays open


async def test_messages_per_second_are_limited(live: Live) -> None:
    async with connect(channel(live, "u1")) as ws:
        for _ in range(25):
            await ws.send(json.dumps({"type": "ping"}))
        answers = [await receive(ws) for _ in range(25)]
    assert [a["type"] for a in answers[:20]] == ["pong"] * 20
    assert {a["type"] for a in answers[20:]} == {"error"}
    assert "too many messages" in answers[-1]["message"]


async def test_the_owner_hears_when_a_ticket_job_ends(live: Live) -> None:
    classified = tickets_classified("u1", "job1")
    async with (
        connect(channel(live, "u1", live.token("u1"))) as mine,
        connect(channel(live, "u1")) as anonymous,
        connect(channel(live, "u2", live.token("u2"))) as someone_else,
    ):
        for ws in (mine, anonymous, someone_else):
            await ready(ws)
        envelope = Envelope.wrap(classified, source="classifier")
        # The bus may deliver an envelope twice: the owner hears of it once.
        await live.bus.publish_many(topics.TICKETS, [envelope, envelope])
        done = await receive(mine)
        assert done == {
            "type": "tickets_classified",
            "id": envelope.id,
            "session_id": "job1",
            "file_name": "tickets.csv",
            "total_tickets": 1,
            "unclassified": 0,
            "counts_by_priority": {"high": 1},
            "counts_by_category": {"card_not_working": 1},
            "processing_time_ms": 42.0,
            "completed_at": classified.completed_at.isoformat(),
        }
        await live.publish(tickets_failed("u1", "job2"), source="classifier")
        failed = await receive(mine)
        assert failed["type"] == "tickets_failed" and failed["session_id"] == "job2"
        assert failed["error_message"] == "no 'summary' column"
        # The failure came right after the first message, so it was not repeated; the
        # others were told nothing (it would be queued before the answer to a ping).
        for ws in (mine, anonymous, someone_else):
            await ready(ws)
