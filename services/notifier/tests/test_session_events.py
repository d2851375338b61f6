"""``WS /api/v1/sessions/{id}/events`` through a real socket."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from insightbus.common.auth import TokenKind
from insightbus.common.events import Envelope, topics
from insightbus.common.events.action_items import ActionItem, ActionItemCreated, ActionItemUpdated
from insightbus.common.events.analysis import (
    AnalysisCompleted,
    AnalysisProgressed,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.events.sessions import SessionDeleted
from insightbus.common.settings import Settings
from insightbus.common.store.mongo import MongoStore
from services.notifier.tests.conftest import Live, ready, receive, serve

IDS = {"session_id": "s1", "user_id": "u1", "content_id": "c1"}


def analysis_events() -> list:
    return [
        AnalysisProgressed(**IDS, stage="received", progress=5),
        EmotionDetected(
            **IDS,
            emotion_id="e1",
            name="joy",
            intensity=0.8,
            timestamp=1.5,
            segment=0,
            speaker="A",
            excerpt="yay",
        ),
        TopicDetected(
            **IDS, topic_id="t1", label="new job", score=1.0, keywords=("new", "job"), segments=(0,)
        ),
        InsightGenerated(
            **IDS,
            insight_id="i1",
            kind="dominant_emotion",
            title="Mostly joy",
            description="d",
            confidence=0.9,
            evidence={"x": 1},
        ),
        AnalysisProgressed(**IDS, stage="completed", progress=100),
        AnalysisCompleted(
            **IDS, emotions=1, topics=1, insights=1, action_items=0, duration_ms=4.2, model="m"
        ),
    ]


async def closed_by(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """The close code and reason the server ends the socket with."""
    async with connect(url, additional_headers=headers or {}) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def closed_with(url: str, headers: dict[str, str] | None = None) -> int:
    return (await closed_by(url, headers))[0]


async def test_messages_stream_live_in_order_with_their_shapes(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with connect(
        live.socket_url("s1"), additional_headers={"Authorization": f"Bearer {live.token('u1')}"}
    ) as ws:
        for event in analysis_events():
            await live.publish(event)
        messages = [await receive(ws) for _ in range(6)]
    assert [m["type"] for m in messages] == [
        "analysis_progress",
        "new_emotion",
        "new_topic",
        "new_insight",
        "analysis_progress",
        "analysis_complete",
    ]
    assert messages[0]["data"] == {
        "session_id": "s1",
        "content_id": "c1",
        "stage": "received",
        "progress": 5,
    }
    assert messages[1]["data"] == {
        "id": "e1",
        "name": "joy",
        "intensity": 0.8,
        "timestamp": 1.5,
        "segment": 0,
        "speaker": "A",
        "excerpt": "yay",
        "content_id": "c1",
    }
    assert messages[2]["data"]["label"] == "new job"
    assert messages[5]["data"]["emotions"] == 1 and "user_id" not in messages[5]["data"]
    assert all(m["id"] for m in messages)


async def test_a_late_client_gets_everything_and_resumes_after_last_event_id(live: Live) -> None:
    await live.create_session("s1", "u1")
    published = [await live.publish(e) for e in analysis_events()]
    token = live.token("u1")
    async with connect(live.socket_url("s1", token=token)) as ws:
        everything = [await receive(ws) for _ in range(6)]
    assert [m["id"] for m in everything] == [e.id for e in published]

    async with connect(live.socket_url("s1", token=token, last_event_id=published[2].id)) as ws:
        rest = [await receive(ws) for _ in range(3)]
        extra = await live.publish(AnalysisProgressed(**IDS, stage="received", progress=1))
        live_one = await receive(ws)
    assert [m["id"] for m in rest] == [e.id for e in published[3:]]
    assert live_one["id"] == extra.id


async def test_a_redelivered_event_is_pushed_once(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with connect(live.socket_url("s1", token=live.token("u1"))) as ws:
        envelope = await live.publish(AnalysisProgressed(**IDS, stage="received", progress=5))
        await live.bus.publish(topics.ANALYSIS, envelope)  # delivered again
        marker = await live.publish(AnalysisProgressed(**IDS, stage="segmenting", progress=15))
        first, second = await receive(ws), await receive(ws)
    assert [first["id"], second["id"]] == [envelope.id, marker.id]


async def test_no_gaps_or_duplicates_when_events_arrive_during_the_replay(live: Live) -> None:
    await live.create_session("s1", "u1")
    before = [
        await live.publish(AnalysisProgressed(**IDS, stage="emotions", progress=i))
        for i in range(40)
    ]
    async with connect(live.socket_url("s1", token=live.token("u1"))) as ws:
        during = [
            await live.publish(AnalysisProgressed(**IDS, stage="topics", progress=i))
            for i in range(40)
        ]
        got = [await receive(ws) for _ in range(80)]
        # A sentinel on the same session: the next message is it, so nothing came twice.
        sentinel = await live.publish(AnalysisProgressed(**IDS, stage="insights", progress=99))
        assert (await receive(ws))["id"] == sentinel.id
    assert [m["id"] for m in got] == [e.id for e in before + during]


async def test_authentication_and_ownership_close_codes(live: Live) -> None:
    await live.create_session("s1", "u1")
    assert await closed_with(live.socket_url("s1")) == 4401
    assert await closed_with(live.socket_url("s1", token="garbage")) == 4401
    assert (
        await closed_with(live.socket_url("s1", token=live.token("u1", TokenKind.refresh))) == 4401
    )
    assert await closed_with(live.socket_url("s1", token=live.token("u2"))) == 4404
    assert await closed_with(live.socket_url("nope", token=live.token("u1"))) == 4404


async def test_another_users_session_answers_as_one_that_does_not_exist(live: Live) -> None:
    """The same code, reason and wait (the ownership grace: 0.5 s here) for someone else's
    session, a deleted one and one that never existed, so no id can be probed; the owner
    gets their existing session at once."""
    grace = 0.5
    await live.create_session("s1", "u1")
    await live.create_session("gone", "u2")
    await live.publish(SessionDeleted(session_id="gone", user_id="u2"), source="gateway")

    async with connect(live.socket_url("s1", token=live.token("u1"))) as owned:
        started = time.monotonic()
        await ready(owned)
        assert time.monotonic() - started < grace  # the owner does not wait for the grace

    answers = {}
    for session_id in ("s1", "gone", "never-created"):
        started = time.monotonic()
        answers[session_id] = await closed_by(live.socket_url(session_id, token=live.token("u3")))
        assert time.monotonic() - started >= grace, session_id
    assert set(answers.values()) == {(4404, "session not found")}


async def test_connecting_before_the_session_is_known_waits_for_it(live: Live) -> None:
    async with connect(live.socket_url("s2", token=live.token("u1"))) as ws:
        await asyncio.sleep(0.1)
        await live.create_session("s2", "u1")
        await live.publish(
            AnalysisProgressed(
                session_id="s2", user_id="u1", content_id="c", stage="received", progress=5
            )
        )
        assert (await receive(ws))["type"] == "analysis_progress"


async def test_ping_pong_and_bad_client_messages_keep_the_socket_open(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with connect(live.socket_url("s1", token=live.token("u1"))) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        assert await receive(ws) == {"type": "pong"}
        await ws.send("not json")
        assert (await receive(ws))["type"] == "error"
        await ws.send(json.dumps({"type": "ping"}))
        assert await receive(ws) == {"type": "pong"}


async def test_action_item_changes_and_deletion_of_the_session(live: Live) -> None:
    await live.create_session("s1", "u1")
    async with connect(live.socket_url("s1", token=live.token("u1"))) as ws:
        item = ActionItem(
            id="a1",
            session_id="s1",
            title="Call",
            status="done",
            source="user",
            created_at="2026-01-01T00:00:00Z",
            updated_at="2026-01-02T00:00:00Z",
        )
        await live.publish(
            ActionItemUpdated(session_id="s1", user_id="u1", action_item=item), source="gateway"
        )
        message = await receive(ws)
        assert message["type"] == "action_item_updated" and message["data"]["status"] == "done"
        await live.publish(SessionDeleted(session_id="s1", user_id="u1"), source="gateway")
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404
    assert await closed_with(live.socket_url("s1", token=live.token("u1"))) == 4404


async def test_two_topics_racing_on_a_mongo_log_lose_nothing_live_or_on_resume(
    tmp_path: Path, mongo_url: str
) -> None:
    """Analysis and action-item events of one session, published at once (two consumers
    log them concurrently): the live client gets every message once, and a client resuming
    from any of them gets exactly the rest."""
    store = MongoStore(mongo_url, f"race_{uuid.uuid4().hex[:8]}")
    async with serve(Settings(data_dir=tmp_path, jwt_secret="y" * 40), store=store) as live:
        await live.create_session("s1", "u1")
        now = datetime.now(UTC)

        async def emotions() -> list[Envelope]:
            return [
                await live.publish(AnalysisProgressed(**IDS, stage="emotions", progress=i))
                for i in range(30)
            ]

        async def action_items() -> list[Envelope]:
            return [
                await live.publish(
                    ActionItemCreated(
                        session_id="s1",
                        user_id="u1",
                        action_item=ActionItem(
                            id=f"a{i}",
                            session_id="s1",
                            title=f"item {i}",
                            status="open",
                            source="user",
                            created_at=now,
                            updated_at=now,
                        ),
                    ),
                    source="gateway",
                )
                for i in range(30)
            ]

        token = live.token("u1")
        async with connect(live.socket_url("s1", token=token)) as ws:
            await ready(ws)
            sent = await asyncio.gather(emotions(), action_items())
            got = [(await receive(ws))["id"] for _ in range(60)]
        assert sorted(got) == sorted(e.id for e in sent[0] + sent[1])  # each once
        for resume_after in (7, 31, 58):
            async with connect(
                live.socket_url("s1", token=token, last_event_id=got[resume_after])
            ) as ws:
                rest = [(await receive(ws))["id"] for _ in range(59 - resume_after)]
                await ready(ws)  # and nothing more before the pong
            assert rest == got[resume_after + 1 :]
