"""Read models fed by analysis events: status rules, ordering, and what gets ignored."""

from __future__ import annotations

from typing import Any

import pytest

from insightbus.common.events import Envelope, topics
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisProgressed,
    EmotionDetected,
    InsightGenerated,
    TopicDetected,
)
from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness


async def get_data(harness: Harness, token: str, path: str, **params: Any) -> Any:
    r = await harness.client.get(path, headers=auth(token), params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def upload(harness: Harness, token: str, session_id: str, text: bytes = b"hi") -> str:
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("a.txt", text)},
        headers=auth(token),
    )
    assert r.status_code == 202, r.text
    return str(r.json()["data"]["content_id"])


def emotion(ids: dict[str, str], emotion_id: str, name: str, segment: int, **kw: Any) -> Any:
    return EmotionDetected(
        **ids,
        emotion_id=emotion_id,
        name=name,
        intensity=kw.pop("intensity", 0.5),
        segment=segment,
        excerpt=kw.pop("excerpt", "..."),
        **kw,
    )


async def test_status_before_any_upload_is_pending_with_nothing_in_it(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    status = await get_data(harness, token, f"/api/v1/sessions/{session_id}/analysis/status")
    assert status == {
        "status": "pending",
        "progress": 0,
        "stage": None,
        "error": None,
        "model": None,
        "content_id": None,
        "updated_at": None,
    }
    session = await get_data(harness, token, f"/api/v1/sessions/{session_id}")
    assert session["session"]["status"] == "created"


async def test_only_the_latest_upload_drives_the_status_but_every_result_is_kept(
    harness: Harness,
) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    session_id = await harness.session(token)
    first = await upload(harness, token, session_id)
    await harness.publish(
        AnalysisProgressed(
            session_id=session_id, user_id=user_id, content_id=first, stage="received", progress=5
        )
    )
    status_path = f"/api/v1/sessions/{session_id}/analysis/status"
    await eventually(
        lambda: _has(harness, token, status_path, status="processing", content_id=first)
    )

    second = await upload(harness, token, session_id)
    status = await get_data(harness, token, status_path)
    assert status["status"] == "pending" and status["content_id"] == second
    assert status["progress"] == 0 and status["stage"] is None

    old = {"session_id": session_id, "user_id": user_id, "content_id": first}
    await harness.publish(AnalysisProgressed(**old, stage="emotions", progress=55))
    await harness.publish(emotion(old, "old-1", "joy", 0))  # same key: after the progress
    emotions_path = f"/api/v1/sessions/{session_id}/emotions"
    items = (await eventually(lambda: _total(harness, token, emotions_path, 1)))["items"]
    assert items[0]["content_id"] == first
    status = await get_data(harness, token, status_path)
    assert status["status"] == "pending" and status["content_id"] == second


async def test_progress_never_goes_back(harness: Harness) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    session_id = await harness.session(token)
    content_id = await upload(harness, token, session_id)
    ids = {"session_id": session_id, "user_id": user_id, "content_id": content_id}
    await harness.publish(AnalysisProgressed(**ids, stage="topics", progress=75))
    await harness.publish(AnalysisProgressed(**ids, stage="emotions", progress=55))  # late
    await harness.publish(AnalysisProgressed(**ids, stage="insights", progress=95))
    path = f"/api/v1/sessions/{session_id}/analysis/status"
    await eventually(lambda: _has(harness, token, path, progress=95))
    await harness.publish(AnalysisProgressed(**ids, stage="topics", progress=75))
    await harness.publish(emotion(ids, "sentinel", "joy", 0))
    await eventually(lambda: _total(harness, token, f"/api/v1/sessions/{session_id}/emotions", 1))
    status = await get_data(harness, token, path)
    assert (status["progress"], status["stage"]) == (95, "insights")
    session = await get_data(harness, token, f"/api/v1/sessions/{session_id}")
    assert session["session"]["status"] == "processing"


@pytest.mark.parametrize("bus_partitions", [1])  # one log: later events prove earlier ones ran
async def test_events_of_unknown_deleted_or_foreign_sessions_are_ignored(
    harness: Harness,
) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    doomed = await harness.session(token, "doomed")
    doomed_content = await upload(harness, token, doomed)
    r = await harness.client.delete(f"/api/v1/sessions/{doomed}", headers=auth(token))
    assert r.status_code == 200
    live = await harness.session(token, "live")
    live_content = await upload(harness, token, live)

    gone = {"session_id": doomed, "user_id": user_id, "content_id": doomed_content}
    unknown = {"session_id": "no-such-session", "user_id": user_id, "content_id": "c"}
    foreign = {"session_id": live, "user_id": "someone-else", "content_id": live_content}
    for ids in (gone, unknown, foreign):
        await harness.publish(emotion(ids, f"e-{ids['session_id']}-{ids['user_id']}", "joy", 0))
        await harness.publish(AnalysisProgressed(**ids, stage="emotions", progress=50))
        await harness.publish(
            ActionItemSuggested(
                **ids, action_item_id=f"a-{ids['user_id']}", title="x", segment=0, excerpt="x"
            )
        )
    # An event type this gateway does not know yet is skipped, not retried or dead-lettered.
    future = Envelope(
        type="emotion.reconsidered", version=1, source="analysis", key=live, data={"x": 1}
    )
    await harness.bus.publish(topics.ANALYSIS, future)
    mine = {"session_id": live, "user_id": user_id, "content_id": live_content}
    await harness.publish(emotion(mine, "e-live", "joy", 0))

    path = f"/api/v1/sessions/{live}/emotions"
    items = (await eventually(lambda: _total(harness, token, path, 1)))["items"]
    assert [e["id"] for e in items] == ["e-live"]
    assert (await get_data(harness, token, f"/api/v1/sessions/{live}/analysis/status"))[
        "status"
    ] == "pending"
    for name in ("emotions", "action_items"):
        assert await (await harness.collection(name)).count({"session_id": doomed}) == 0
    assert await (await harness.collection("action_items")).count() == 0
    # A sentinel: the user's own item, whose event the outbox relays after any earlier one.
    r = await harness.client.post(
        f"/api/v1/sessions/{live}/action-items", json={"title": "sentinel"}, headers=auth(token)
    )
    assert r.status_code == 201, r.text
    created = await eventually(lambda: harness.recorder.of_type("action_item.created"))
    assert [e.action_item.title for e in created] == ["sentinel"]


async def test_deleting_a_session_deletes_its_read_models(harness: Harness) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    session_id = await harness.session(token)
    content_id = await upload(harness, token, session_id)
    ids = {"session_id": session_id, "user_id": user_id, "content_id": content_id}
    await harness.publish(emotion(ids, "e1", "joy", 0))
    await harness.publish(
        TopicDetected(**ids, topic_id="t1", label="work", score=0.5, keywords=(), segments=())
    )
    await harness.publish(
        InsightGenerated(
            **ids, insight_id="i1", kind="k", title="t", description="d", confidence=1, evidence={}
        )
    )
    await harness.client.post(
        f"/api/v1/sessions/{session_id}/action-items", json={"title": "x"}, headers=auth(token)
    )
    await eventually(lambda: _total(harness, token, f"/api/v1/sessions/{session_id}/insights", 1))
    counts = {
        name: await (await harness.collection(name)).count({"session_id": session_id})
        for name in ("contents", "emotions", "topics", "insights", "action_items")
    }
    assert set(counts.values()) == {1}, counts

    r = await harness.client.delete(f"/api/v1/sessions/{session_id}", headers=auth(token))
    assert r.json()["data"] == {"id": session_id, "deleted": True}
    for name in counts:
        assert await (await harness.collection(name)).count({"session_id": session_id}) == 0
    deleted = await eventually(lambda: harness.recorder.of_type("session.deleted"))
    assert (deleted[0].session_id, deleted[0].user_id) == (session_id, user_id)


async def test_results_are_ordered_and_filtered(harness: Harness) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    session_id = await harness.session(token)
    content_id = await upload(harness, token, session_id)
    ids = {"session_id": session_id, "user_id": user_id, "content_id": content_id}
    for event in (
        emotion(ids, "e3", "sadness", 1, intensity=0.2),
        emotion(ids, "e2", "joy", 1, intensity=0.7, speaker="Sam", timestamp=12.0),
        emotion(ids, "e1", "joy", 0, intensity=0.4),
        TopicDetected(**ids, topic_id="t1", label="low", score=0.1, keywords=("a",), segments=(0,)),
        TopicDetected(**ids, topic_id="t2", label="high", score=0.9, keywords=(), segments=(1,)),
        InsightGenerated(
            **ids,
            insight_id="i1",
            kind="trend",
            title="Mood lifts",
            description="Joy grows.",
            confidence=0.8,
            evidence={"segments": [0, 1]},
        ),
    ):
        await harness.publish(event)
    base = f"/api/v1/sessions/{session_id}"
    await eventually(lambda: _total(harness, token, f"{base}/emotions", 3))
    await eventually(lambda: _total(harness, token, f"{base}/topics", 2))
    await eventually(lambda: _total(harness, token, f"{base}/insights", 1))

    listed = await get_data(harness, token, f"{base}/emotions")
    assert [(e["segment"], e["name"]) for e in listed["items"]] == [
        (0, "joy"),
        (1, "joy"),
        (1, "sadness"),
    ]
    assert listed["items"][1] == {
        "id": "e2",
        "name": "joy",
        "intensity": 0.7,
        "timestamp": 12.0,
        "segment": 1,
        "speaker": "Sam",
        "excerpt": "...",
        "content_id": content_id,
    }
    joy = await get_data(harness, token, f"{base}/emotions", name="JOY", min_intensity=0.5)
    assert [e["id"] for e in joy["items"]] == ["e2"] and joy["total"] == 1
    second_page = await get_data(harness, token, f"{base}/emotions", limit=2, offset=2)
    assert [e["id"] for e in second_page["items"]] == ["e3"] and second_page["total"] == 3

    topics = await get_data(harness, token, f"{base}/topics")
    assert [t["label"] for t in topics["items"]] == ["high", "low"]
    assert topics["items"][1] == {
        "id": "t1",
        "label": "low",
        "score": 0.1,
        "keywords": ["a"],
        "segments": [0],
        "content_id": content_id,
    }
    insights = await get_data(harness, token, f"{base}/insights")
    assert insights["items"] == [
        {
            "id": "i1",
            "kind": "trend",
            "title": "Mood lifts",
            "description": "Joy grows.",
            "confidence": 0.8,
            "evidence": {"segments": [0, 1]},
            "content_id": content_id,
        }
    ]
    for params in ({"limit": 501}, {"limit": 0}, {"offset": -1}, {"min_intensity": -0.1}):
        r = await harness.client.get(f"{base}/emotions", headers=auth(token), params=params)
        assert r.status_code == 422, params
    assert (await get_data(harness, token, f"{base}/topics", limit=500))["limit"] == 500


async def test_a_redelivered_result_replaces_rather_than_duplicates(harness: Harness) -> None:
    token = await harness.user()
    user_id = harness.user_id(token)
    session_id = await harness.session(token)
    content_id = await upload(harness, token, session_id)
    ids = {"session_id": session_id, "user_id": user_id, "content_id": content_id}
    envelope = await harness.publish(emotion(ids, "e1", "joy", 0))
    await harness.bus.publish(topics.ANALYSIS, envelope)  # redelivered as is
    await harness.publish(emotion(ids, "e1", "joy", 0))  # the same result, a new envelope
    await harness.publish(emotion(ids, "e2", "fear", 1))
    path = f"/api/v1/sessions/{session_id}/emotions"
    listed = await eventually(lambda: _total(harness, token, path, 2))
    assert [e["id"] for e in listed["items"]] == ["e1", "e2"]


async def _total(harness: Harness, token: str, path: str, n: int) -> Any:
    data = await get_data(harness, token, path)
    return data if data["total"] == n else None


async def _has(harness: Harness, token: str, path: str, **wanted: Any) -> Any:
    data = await get_data(harness, token, path)
    return data if all(data[k] == v for k, v in wanted.items()) else None
