"""Sessions and uploads through the HTTP API, and the events they emit."""

from __future__ import annotations

import json

import pytest

from insightbus.common.events.sessions import ContentUploaded, SessionCreated, SessionDeleted
from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness


async def test_create_list_get_and_delete_a_session(harness: Harness) -> None:
    token = await harness.user()
    r = await harness.client.post(
        "/api/v1/sessions", json={"title": "Monday", "description": "first"}, headers=auth(token)
    )
    assert r.status_code == 201
    session = r.json()["data"]["session"]
    assert session["title"] == "Monday" and session["status"] == "created" and session["created_at"]
    created = await eventually(lambda: harness.recorder.of_type("session.created"))
    assert isinstance(created[0], SessionCreated) and created[0].session_id == session["id"]

    got = await harness.client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token))
    assert got.json()["data"]["session"] == session

    r = await harness.client.delete(f"/api/v1/sessions/{session['id']}", headers=auth(token))
    assert r.status_code == 200
    assert (
        await harness.client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token))
    ).status_code == 404
    deleted = await eventually(lambda: harness.recorder.of_type("session.deleted"))
    assert isinstance(deleted[0], SessionDeleted)


async def test_sessions_are_paginated_newest_first(harness: Harness) -> None:
    token = await harness.user()
    for title in ("one", "two", "three"):
        await harness.session(token, title)
    r = await harness.client.get("/api/v1/sessions?limit=2", headers=auth(token))
    data = r.json()["data"]
    assert data["total"] == 3 and data["limit"] == 2 and data["offset"] == 0
    assert [s["title"] for s in data["items"]] == ["three", "two"]
    rest = (
        await harness.client.get("/api/v1/sessions?limit=2&offset=2", headers=auth(token))
    ).json()
    assert [s["title"] for s in rest["data"]["items"]] == ["one"]
    assert (
        await harness.client.get("/api/v1/sessions?limit=0", headers=auth(token))
    ).status_code == 422


async def test_another_users_session_is_not_found(harness: Harness) -> None:
    owner = await harness.user("owner@example.com")
    stranger = await harness.user("stranger@example.com")
    session_id = await harness.session(owner)
    for method, path in (
        ("GET", f"/api/v1/sessions/{session_id}"),
        ("DELETE", f"/api/v1/sessions/{session_id}"),
        ("GET", f"/api/v1/sessions/{session_id}/emotions"),
        ("GET", f"/api/v1/sessions/{session_id}/analysis/status"),
        ("GET", f"/api/v1/sessions/{session_id}/action-items"),
    ):
        r = await harness.client.request(method, path, headers=auth(stranger))
        assert r.status_code == 404, path
        assert r.json()["error"] == "session not found"
    listed = await harness.client.get("/api/v1/sessions", headers=auth(stranger))
    assert listed.json()["data"]["total"] == 0


async def _upload(
    harness: Harness, token: str, session_id: str, name: str, body: bytes
) -> ContentUploaded:
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content", files={"file": (name, body)}, headers=auth(token)
    )
    assert r.status_code == 202, r.text
    data = r.json()["data"]
    assert data["status"] == "pending" and data["session_id"] == session_id
    uploads = await eventually(
        lambda: [
            e
            for e in harness.recorder.of_type("content.uploaded")
            if e.content_id == data["content_id"]
        ]
    )
    return uploads[0]


async def test_json_transcripts_keep_speakers_and_timestamps(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    transcript = [
        {"speaker": "Therapist", "text": "How are you?", "timestamp": "00:01:05"},
        {"speaker": "Client", "text": "Tired,   but better.", "timestamp": 70.5},
        {"speaker": "Client", "text": "Thanks.", "timestamp": None},
    ]
    event = await _upload(harness, token, session_id, "t.json", json.dumps(transcript).encode())
    assert event.format == "json"
    assert [(b.speaker, b.text, b.start) for b in event.blocks] == [
        ("Therapist", "How are you?", 65.0),
        ("Client", "Tired, but better.", 70.5),
        ("Client", "Thanks.", None),
    ]
    status = await harness.client.get(
        f"/api/v1/sessions/{session_id}/analysis/status", headers=auth(token)
    )
    assert status.json()["data"]["status"] == "pending"


async def test_subtitles_and_text_formats_are_parsed(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    vtt = b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.500\n<v Dr. Lee>Welcome back.\n\n00:00:05.000 --> 00:00:09.000\n<v Sam>I had a <b>rough</b> week.\n"
    event = await _upload(harness, token, session_id, "s.vtt", vtt)
    assert [(b.speaker, b.text, b.start, b.end) for b in event.blocks] == [
        ("Dr. Lee", "Welcome back.", 1.0, 4.5),
        ("Sam", "I had a rough week.", 5.0, 9.0),
    ]
    srt = b"1\r\n00:00:02,500 --> 00:00:03,000\r\nSam: Hello there\r\n\r\n2\r\n00:01:00,000 --> 00:01:02,000\r\nsecond line\r\n"
    event = await _upload(harness, token, session_id, "s.srt", srt)
    assert [(b.speaker, b.text, b.start) for b in event.blocks] == [
        ("Sam", "Hello there", 2.5),
        (None, "second line", 60.0),
    ]
    md = b"# Diary\n\nToday I felt **really** happy.\n\n- walked the [dog](http://x)\n"
    event = await _upload(harness, token, session_id, "d.md", md)
    assert [b.text for b in event.blocks] == [
        "Diary",
        "Today I felt really happy.",
        "walked the dog",
    ]
    event = await _upload(
        harness, token, session_id, "n.txt", "\ufeffFirst para.\n\n\nSecond para.".encode()
    )
    assert [b.text for b in event.blocks] == ["First para.", "Second para."]


@pytest.mark.parametrize(
    ("name", "body", "status", "message"),
    [
        ("notes.pdf", b"%PDF-1.4", 415, "unsupported file type"),
        ("noext", b"hello", 415, "unsupported file type"),
        ("bad.txt", b"\xff\xfe\xfa not utf-8", 422, "not valid UTF-8"),
        ("empty.txt", b"   \n ", 422, "empty"),
        ("t.json", b'[{"text": "hi",]', 422, "not valid JSON"),
        ("t.json", b'{"a": 1}', 422, "must be a list"),
        ("t.json", b'[{"speaker": "A"}]', 422, "invalid entries"),
        ("t.json", b'[{"text": "hi", "timestamp": "yesterday"}]', 422, "invalid entries"),
        ("s.vtt", b"WEBVTT\n\nNOTE nothing here\n", 422, "no cues"),
        ("s.vtt", b"not a vtt\n\n00:00:01.000 --> 00:00:02.000\nhi\n", 422, "WEBVTT"),
        ("s.srt", b"1\n00:00:xx,000 --> 00:00:02,000\nhi\n", 422, "cue 1"),
    ],
)
async def test_bad_uploads_get_a_clear_error(
    harness: Harness, name: str, body: bytes, status: int, message: str
) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content", files={"file": (name, body)}, headers=auth(token)
    )
    assert r.status_code == status, r.text
    assert message in r.json()["error"]
    assert harness.recorder.of_type("content.uploaded") == []


async def test_a_missing_file_field_is_a_validation_error(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content", data={"x": "1"}, headers=auth(token)
    )
    assert r.status_code == 422


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    return Settings(
        data_dir=tmp_path, jwt_secret="x" * 40, rate_limit_per_minute=1000, max_upload_bytes=2048
    )


async def test_too_large_uploads_are_refused(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("big.txt", b"a" * 2049)},
        headers=auth(token),
    )
    assert r.status_code == 413 and r.json()["details"] == {"max_bytes": 2048}
    huge = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("big.txt", b"a" * 200_000)},
        headers=auth(token),
    )
    assert huge.status_code == 413
    fits = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("ok.txt", b"a" * 2048)},
        headers=auth(token),
    )
    assert fits.status_code == 202


async def test_the_request_correlation_id_travels_with_the_event(harness: Harness) -> None:
    token = await harness.user()
    r = await harness.client.post(
        "/api/v1/sessions",
        json={"title": "traced"},
        headers={**auth(token), "X-Correlation-Id": "trace-123"},
    )
    assert r.headers["x-correlation-id"] == "trace-123"
    await eventually(lambda: harness.recorder.of_type("session.created"))
    created = next(e for e in harness.recorder.envelopes if e.type == "session.created")
    assert created.correlation_id == "trace-123"


async def test_an_unsafe_correlation_id_is_replaced(harness: Harness) -> None:
    r = await harness.client.get("/health", headers={"X-Correlation-Id": "evil id <script>"})
    assert r.headers["x-correlation-id"] != "evil id <script>"
    assert len(r.headers["x-correlation-id"]) == 16
