"""What the gateway shows from the analysis' events, and action items."""

from __future__ import annotations

from typing import Any

from insightbus.common.events.action_items import ActionItemCreated
from insightbus.common.events.analysis import (
    ActionItemSuggested,
    AnalysisCompleted,
    AnalysisFailed,
    AnalysisProgressed,
    EmotionDetected,
    TopicDetected,
)
from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness


async def _uploaded(harness: Harness) -> tuple[str, str, str, str]:
    """A user with a session and one upload: (token, user_id, session_id, content_id)."""
    token = await harness.user()
    me = await harness.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse"}
    )
    assert me.status_code == 200
    session_id = await harness.session(token)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("a.txt", b"hello")},
        headers=auth(token),
    )
    created = await eventually(lambda: harness.recorder.of_type("session.created"))
    return token, created[0].user_id, session_id, r.json()["data"]["content_id"]


async def _get(harness: Harness, token: str, path: str, **params: Any) -> dict[str, Any]:
    r = await harness.client.get(path, headers=auth(token), params=params)
    assert r.status_code == 200, r.text
    return dict(r.json()["data"])


async def test_status_follows_the_analysis_and_never_goes_back(harness: Harness) -> None:
    token, user_id, session_id, content_id = await _uploaded(harness)
    ids = {"session_id": session_id, "user_id": user_id, "content_id": content_id}
    path = f"/api/v1/sessions/{session_id}/analysis/status"

    await harness.publish(AnalysisProgressed(**ids, stage="emotions", progress=40))
    status = await eventually(lambda: _status_is(harness, token, path, "processing"))
    assert status["progress"] == 40 and status["stage"] == "emotions"

    await harness.publish(
        AnalysisCompleted(
            **ids, emotions=1, topics=0, insights=0, action_items=0, duration_ms=3, model="m"
        )
    )
    await eventually(lambda: _status_is(harness, token, path, "completed"))
    # A late progress event (redelivered) must not reopen it.
    await harness.publish(AnalysisProgressed(**ids, stage="topics", progress=60))
    await harness.publish(
        AnalysisCompleted(
            **ids, emotions=1, topics=0, insights=0, action_items=0, duration_ms=3, model="m"
        )
    )
    # A sentinel with the same key (same partition, after them): once it shows, the late
    # events have been handled.
    sentinel = EmotionDetected(
        **ids, emotion_id="sentinel", name="joy", intensity=0.5, segment=0, excerpt="x"
    )
    await harness.publish(sentinel)
    await eventually(lambda: _count(harness, token, f"/api/v1/sessions/{session_id}/emotions", 1))
    session = await _get(harness, token, f"/api/v1/sessions/{session_id}")
    status = await _get(harness, token, path)
    assert status["status"] == "completed" and status["progress"] == 100
    assert session["session"]["status"] == "completed"


async def test_a_failed_analysis_reports_its_reason(harness: Harness) -> None:
    token, user_id, session_id, content_id = await _uploaded(harness)
    await harness.publish(
        AnalysisFailed(
            session_id=session_id, user_id=user_id, content_id=content_id, reason="no text"
        )
    )
    path = f"/api/v1/sessions/{session_id}/analysis/status"
    status = await eventually(lambda: _status_is(harness, token, path, "failed"))
    assert status["error"] == "no text"


async def test_status_news_naming_another_owner_is_dropped(harness: Harness) -> None:
    token, user_id, session_id, content_id = await _uploaded(harness)
    ids = {"session_id": session_id, "user_id": user_id, "content_id": content_id}
    path = f"/api/v1/sessions/{session_id}/analysis/status"
    await harness.publish(AnalysisProgressed(**ids, stage="emotions", progress=40))
    await eventually(lambda: _status_is(harness, token, path, "processing"))
    forged = {**ids, "user_id": "someone-else"}

    def emotion(owner: dict[str, str], id: str) -> EmotionDetected:
        return EmotionDetected(
            **owner, emotion_id=id, name="joy", intensity=0.5, segment=0, excerpt="x"
        )

    await harness.publish(emotion(forged, "forged-first"))  # before the owner is known
    await harness.publish(emotion(ids, "e1"))
    await harness.publish(emotion(forged, "forged-later"))  # after
    await harness.publish(AnalysisFailed(**forged, reason="forged"))
    await harness.publish(AnalysisProgressed(**ids, stage="topics", progress=75))  # after it
    # The same key, so the same partition: once the later progress shows, the forged
    # events have been handled, and none may have moved or added anything.
    status = await eventually(lambda: _progress_is(harness, token, path, 75))
    assert status["status"] == "processing"
    assert not status.get("error")
    emotions = await _get(harness, token, f"/api/v1/sessions/{session_id}/emotions")
    assert [e["id"] for e in emotions["items"]] == ["e1"]


async def _progress_is(
    harness: Harness, token: str, path: str, wanted: int
) -> dict[str, Any] | None:
    data = await _get(harness, token, path)
    return data if data["progress"] == wanted else None


async def _status_is(harness: Harness, token: str, path: str, wanted: str) -> dict[str, Any] | None:
    data = await _get(harness, token, path)
    return data if data["status"] == wanted else None


async def test_emotions_are_stored_once_and_filterable(harness: Harness) -> None:
    token, user_id, session_id, content_id = await _uploaded(harness)
    ids = {"session_id": session_id, "user_id": user_id, "content_id": content_id}
    joy = EmotionDetected(
        **ids, emotion_id="e1", name="joy", intensity=0.9, timestamp=3.5, segment=0, excerpt="yay"
    )
    fear = EmotionDetected(
        **ids, emotion_id="e2", name="fear", intensity=0.3, timestamp=None, segment=1, excerpt="eek"
    )
    for event in (joy, fear, joy):  # joy is redelivered
        await harness.publish(event)
    await harness.publish(
        TopicDetected(
            **ids,
            topic_id="t1",
            label="job interview",
            score=1.0,
            keywords=("job", "interview"),
            segments=(0, 1),
        )
    )
    path = f"/api/v1/sessions/{session_id}/emotions"
    await eventually(lambda: _count(harness, token, f"/api/v1/sessions/{session_id}/topics", 1))
    everything = await _get(harness, token, path)
    assert everything["total"] == 2
    assert everything["items"][0] == {
        "id": "e1",
        "name": "joy",
        "intensity": 0.9,
        "timestamp": 3.5,
        "segment": 0,
        "speaker": None,
        "excerpt": "yay",
        "content_id": content_id,
    }
    assert [e["id"] for e in (await _get(harness, token, path, name="fear"))["items"]] == ["e2"]
    assert [e["id"] for e in (await _get(harness, token, path, min_intensity=0.5))["items"]] == [
        "e1"
    ]
    assert (await _get(harness, token, path, limit=1, offset=1))["items"][0]["id"] == "e2"
    bad = await harness.client.get(path, headers=auth(token), params={"min_intensity": 2})
    assert bad.status_code == 422
    topic = (await _get(harness, token, f"/api/v1/sessions/{session_id}/topics"))["items"][0]
    assert topic["label"] == "job interview" and topic["keywords"] == ["job", "interview"]


async def _count(harness: Harness, token: str, path: str, n: int) -> bool:
    return (await _get(harness, token, path))["total"] == n


async def test_suggested_action_items_become_action_items_once(harness: Harness) -> None:
    token, user_id, session_id, content_id = await _uploaded(harness)
    suggestion = ActionItemSuggested(
        session_id=session_id,
        user_id=user_id,
        content_id=content_id,
        action_item_id="a1",
        title="Call your sister",
        segment=2,
        excerpt="I will call my sister",
    )
    envelope = await harness.publish(suggestion)
    await harness.bus.publish(suggestion.topic, envelope)  # redelivery of the same envelope
    # A sentinel suggestion with the same key, handled after the redelivery.
    await harness.publish(
        ActionItemSuggested(**{**suggestion.model_dump(), "action_item_id": "a2"})
    )
    path = f"/api/v1/sessions/{session_id}/action-items"
    await eventually(lambda: _count(harness, token, path, 2))
    created = await eventually(
        lambda: (
            [e for e in harness.recorder.of_type("action_item.created") if e.action_item.id == "a2"]
            and harness.recorder.of_type("action_item.created")
        )
    )
    assert isinstance(created[0], ActionItemCreated)
    assert (
        created[0].action_item.title == "Call your sister"
        and created[0].action_item.source == "analysis"
    )
    items = (await _get(harness, token, path))["items"]
    assert items[0]["id"] == "a1" and items[0]["status"] == "open"
    assert [e.action_item.id for e in created] == ["a1", "a2"]


async def test_action_items_crud_emits_events(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    path = f"/api/v1/sessions/{session_id}/action-items"
    r = await harness.client.post(
        path,
        json={"title": "Book a check-up", "due_date": "2026-12-01T09:00:00Z"},
        headers=auth(token),
    )
    assert r.status_code == 201
    item = r.json()["data"]["action_item"]
    assert (
        item["status"] == "open"
        and item["source"] == "user"
        and item["due_date"].startswith("2026-12-01")
    )

    r = await harness.client.patch(
        f"{path}/{item['id']}", json={"status": "done"}, headers=auth(token)
    )
    assert r.status_code == 200 and r.json()["data"]["action_item"]["status"] == "done"
    assert (await _get(harness, token, path, status="done"))["total"] == 1
    assert (await _get(harness, token, path, status="open"))["total"] == 0

    for bad in ({"status": "finished"}, {"title": ""}, {}, {"title": None}, {"colour": "red"}):
        r = await harness.client.patch(f"{path}/{item['id']}", json=bad, headers=auth(token))
        assert r.status_code in (400, 422), bad
    assert (
        await harness.client.patch(f"{path}/nope", json={"status": "done"}, headers=auth(token))
    ).status_code == 404

    assert (
        await harness.client.delete(f"{path}/{item['id']}", headers=auth(token))
    ).status_code == 200
    assert (
        await harness.client.delete(f"{path}/{item['id']}", headers=auth(token))
    ).status_code == 404
    await eventually(lambda: harness.recorder.of_type("action_item.deleted"))
    kinds = [e.type for e in harness.recorder.envelopes if e.type.startswith("action_item.")]
    assert kinds == ["action_item.created", "action_item.updated", "action_item.deleted"]
    updated = harness.recorder.of_type("action_item.updated")[0]
    assert updated.action_item.status == "done" and updated.session_id == session_id


async def test_unknown_routes_and_errors_use_the_envelope(harness: Harness) -> None:
    r = await harness.client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json() == {"status": "error", "success": False, "error": "Not Found", "details": None}
