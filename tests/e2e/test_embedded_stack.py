"""The whole session-insight flow through `insightbus up`: HTTP, WebSocket, restart."""

from __future__ import annotations

import asyncio
import json
import signal
from contextlib import aclosing
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from insightbus.common.testing.factories import eventually
from tests.conftest import RunningStack, StackFactory
from tests.e2e.flow import (
    TRANSCRIPT,
    analysed,
    create_session,
    signed_up_client,
    upload,
    watch_until_complete,
)


async def test_upload_is_analysed_live_and_readable(stack: RunningStack) -> None:
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client)
        subscribed = asyncio.Event()
        watcher = asyncio.create_task(
            watch_until_complete(stack.ws_url, session_id, token, subscribed=subscribed)
        )
        await asyncio.wait_for(subscribed.wait(), 10)  # live, not replayed: late joiners below
        await upload(client, session_id, "session.json", json.dumps(TRANSCRIPT).encode())
        messages = await watcher

        types = [m["type"] for m in messages]
        assert types[-1] == "analysis_complete"
        progress = [m["data"]["progress"] for m in messages if m["type"] == "analysis_progress"]
        assert len(progress) >= 3 and progress == sorted(progress) and progress[-1] == 100
        streamed = {m["data"]["name"] for m in messages if m["type"] == "new_emotion"}
        assert "new_topic" in types and "new_insight" in types

        status = (await client.get(f"/api/v1/sessions/{session_id}/analysis/status")).json()["data"]
        assert status["status"] == "completed" and status["progress"] == 100

        emotions = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
        names = {e["name"] for e in emotions["items"]}
        assert names == streamed
        # The transcript is anxious early and glad later: the model must see both.
        assert names & {"fear", "nervousness"}, names
        assert names & {"joy", "gratitude", "excitement"}, names
        anxious = [e for e in emotions["items"] if e["name"] in ("fear", "nervousness")]
        assert all(e["timestamp"] == 12.0 and e["segment"] == 1 for e in anxious)

        strong = (
            await client.get(
                f"/api/v1/sessions/{session_id}/emotions", params={"min_intensity": 0.5}
            )
        ).json()["data"]["items"]
        assert all(e["intensity"] >= 0.5 for e in strong)

        topics = (await client.get(f"/api/v1/sessions/{session_id}/topics")).json()["data"]
        assert topics["total"] >= 1
        insights = (await client.get(f"/api/v1/sessions/{session_id}/insights")).json()["data"]
        assert insights["total"] >= 1

        items = (await client.get(f"/api/v1/sessions/{session_id}/action-items")).json()["data"]
        titles = " ".join(i["title"].lower() for i in items["items"])
        assert "sister" in titles and "sleep diary" in titles
        assert all(i["source"] == "analysis" for i in items["items"])


async def test_late_client_gets_everything_and_resumes_after_last_event(
    stack: RunningStack,
) -> None:
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client)
        await upload(
            client, session_id, "notes.txt", b"I feel hopeful today.\n\nWork was stressful."
        )
        everything = await watch_until_complete(stack.ws_url, session_id, token)
        assert everything[0]["type"] == "analysis_progress"
        # Reconnecting after the third message yields exactly the rest, in order.
        rest = await watch_until_complete(
            stack.ws_url, session_id, token, last_event_id=everything[2]["id"]
        )
        assert [m["id"] for m in rest] == [m["id"] for m in everything[3:]]


async def test_other_users_cannot_see_or_watch_a_session(stack: RunningStack) -> None:
    owner, _, _ = await signed_up_client(stack.base_url)
    stranger, stranger_token, _ = await signed_up_client(stack.base_url)
    async with aclosing(owner), aclosing(stranger):
        session_id = await create_session(owner)
        r = await stranger.get(f"/api/v1/sessions/{session_id}")
        assert r.status_code == 404 and r.json()["success"] is False

        # The socket answers as REST does: someone else's session is one that does not exist.
        async def close_of(watched: str) -> tuple[int, str]:
            async with connect(
                f"{stack.ws_url}/api/v1/sessions/{watched}/events?token={stranger_token}"
            ) as ws:
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 10)
            assert closed.value.rcvd is not None
            return closed.value.rcvd.code, closed.value.rcvd.reason

        closes = await asyncio.gather(close_of(session_id), close_of("no-such-session"))
        assert closes == [(4404, "session not found")] * 2


async def test_data_survives_a_restart_and_ctrl_c_stops_cleanly(
    stack_factory: StackFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "persistent"
    stack = stack_factory(data_dir)
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client, "Before restart")
        await upload(
            client, session_id, "diary.md", b"# Monday\n\nI am so grateful for my friends."
        )
        await watch_until_complete(stack.ws_url, session_id, token)
        before = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
        journey = await eventually(lambda: _journey_with_emotions(client))

    assert stack.stop(signal.SIGINT) == 0, stack.logs()

    again = stack_factory(data_dir)
    async with httpx.AsyncClient(base_url=again.base_url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {token}"  # the signing key persisted too
        r = await client.get(f"/api/v1/sessions/{session_id}")
        assert r.status_code == 200 and r.json()["data"]["session"]["title"] == "Before restart"
        after = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
        assert after == before and after["total"] > 0
        # The graph too: the stack's FalkorDB keeps it under the data dir.
        assert (await client.get("/api/v1/users/me/journey")).json()["data"] == journey
    assert (data_dir / "graph" / "graph.rdb").exists()


async def _journey_with_emotions(client: httpx.AsyncClient) -> dict[str, Any] | None:
    journey: dict[str, Any] = (await client.get("/api/v1/users/me/journey")).json()["data"]
    return journey if journey["sessions"] and journey["sessions"][0]["emotions"] else None


async def test_health_metrics_and_docs_are_served(stack: RunningStack) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=10) as client:
        health = (await client.get("/health")).json()
        assert health["data"]["status"] == "ok"
        assert set(health["data"]["dependencies"]) >= {"bus", "store:gateway", "store:analysis"}
        assert "insightbus_http_requests_total" in (await client.get("/metrics")).text
        assert (await client.get("/docs")).status_code == 200
        assert "/api/v1/sessions" in (await client.get("/openapi.json")).json()["paths"]


# The names the analysis status gives its two emotion models (a public value).
FUSED, TFIDF = "minilm-l6-goemotions+tfidf", "tfidf-logreg"

DIARY = (
    "Today was rough. My manager criticized the report in front of the whole team and I felt "
    "humiliated and angry. Later my friend called and we laughed about it; I felt much better "
    "and grateful to have her. I need to finish the budget slides by Friday ... I'm worried "
    "about the deadline but also excited about the new project launch"
)


async def test_a_diary_entry_reports_each_feeling_at_its_sentence(stack: RunningStack) -> None:
    await _diary_reads_right(stack, FUSED)


async def test_the_tfidf_fallback_reads_it_right_too_and_says_it_ran(
    stack_factory: StackFactory,
) -> None:
    # The fallback ops can choose (and the one that runs when the encoder's files are gone).
    await _diary_reads_right(
        stack_factory(env={"INSIGHTBUS_ANALYSIS_EMOTION_MODEL": "tfidf"}), TFIDF
    )


async def _diary_reads_right(stack: RunningStack, model: str) -> None:
    async with analysed(stack.base_url, stack.ws_url, "diary.txt", DIARY.encode()) as (
        client,
        session_id,
        messages,
    ):
        emotions = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
        by_name = {e["name"]: e for e in emotions["items"]}
        insights = (await client.get(f"/api/v1/sessions/{session_id}/insights")).json()["data"]
        status = (await client.get(f"/api/v1/sessions/{session_id}/analysis/status")).json()

    # Which model read it, in the status and on the socket.
    assert status["data"]["model"] == model
    assert messages[-1]["type"] == "analysis_complete" and messages[-1]["data"]["model"] == model

    def sentence_of(*names: str) -> str:
        found = [by_name[n]["excerpt"] for n in names if n in by_name]
        assert found, f"{model}: none of {names} in {sorted(by_name)}"
        return found[0]

    assert "humiliated" in sentence_of("anger", "embarrassment")
    assert "grateful" in sentence_of("gratitude", "joy")
    assert "worried" in sentence_of("nervousness", "fear")
    titles = [i["title"] for i in insights["items"]]
    assert any("manager" in t and ("anger" in t or "embarrassment" in t) for t in titles), titles
    assert not any("optimism" in t for t in titles), titles


async def test_a_recurring_phrase_is_the_top_topic(stack: RunningStack) -> None:
    notes = (
        "We planned the database migration for Friday.\n\nThe database migration needs a "
        "rollback plan.\n\nEveryone worried the database migration would fail.\n\nThe migration "
        "of users is separate. Our database is large."
    )
    async with analysed(stack.base_url, stack.ws_url, "notes.md", notes.encode()) as (
        client,
        session_id,
        _,
    ):
        topics = (await client.get(f"/api/v1/sessions/{session_id}/topics")).json()["data"]
    labels = [t["label"] for t in topics["items"]]
    assert labels[0] == "database migration", labels


async def test_an_upload_in_another_language_says_so_instead_of_guessing(
    stack: RunningStack,
) -> None:
    text = "Hoy fue un día difícil. Mi jefe criticó el informe delante de todo el equipo."
    async with analysed(stack.base_url, stack.ws_url, "diario.txt", text.encode()) as (
        client,
        session_id,
        messages,
    ):
        status = (await client.get(f"/api/v1/sessions/{session_id}/analysis/status")).json()
        emotions = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
    assert messages[-1]["type"] == "analysis_failed"
    assert status["data"]["status"] == "failed"
    assert "Spanish (es)" in status["data"]["error"], status
    assert emotions["total"] == 0
