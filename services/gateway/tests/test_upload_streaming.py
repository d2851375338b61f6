"""Uploads are read off the request stream: refused as early as the request allows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from insightbus.common.events import Event
from insightbus.common.events.action_items import ActionItemCreated
from insightbus.common.events.sessions import ContentUploaded, SessionCreated
from insightbus.common.outbox import Outbox
from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import SECRET, Harness

LIMIT = 2048
BOUNDARY = "test-boundary-7f3a"
CHUNK = 1024


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    return Settings(
        data_dir=tmp_path,
        jwt_secret=SECRET,
        rate_limit_per_minute=1000,
        max_upload_bytes=LIMIT,
        bus_max_message_bytes=8 * 1024,
    )


class CountingBody:
    """A multipart body sent chunk by chunk, remembering how much the server pulled."""

    def __init__(self, filename: str, chunks: int, *, close: bool = True) -> None:
        self.parts = [
            (
                f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                f'name="file"; filename="{filename}"\r\n\r\n'
            ).encode(),
            *([b"a" * (CHUNK - 1) + b"\n"] * chunks),
            f"\r\n--{BOUNDARY}--\r\n".encode() if close else b"",
        ]
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            self.pulled += 1
            yield part


async def post_stream(
    harness: Harness, token: str, session_id: str, body: CountingBody, **headers: str
) -> httpx.Response:
    return await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        content=body,
        headers={
            **auth(token),
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            **headers,
        },
    )


async def test_an_oversized_upload_is_refused_once_it_crosses_the_limit(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    body = CountingBody("big.txt", chunks=100)  # 100 KiB, no Content-Length (streamed)
    r = await post_stream(harness, token, session_id, body)
    assert r.status_code == 413, r.text
    assert r.json()["details"] == {"max_bytes": LIMIT}
    # The limit is 2 KiB: the third 1 KiB chunk of the file crosses it; nothing more is read.
    assert body.pulled == 4
    assert harness.recorder.of_type("content.uploaded") == []


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    harness: Harness,
) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    body = CountingBody("big.txt", chunks=1)
    r = await post_stream(harness, token, session_id, body, **{"Content-Length": "10000000"})
    assert r.status_code == 413
    assert body.pulled == 0


async def test_a_wrong_file_type_is_refused_before_its_content_is_read(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    body = CountingBody("slides.pdf", chunks=100)
    r = await post_stream(harness, token, session_id, body)
    assert r.status_code == 415 and ".pdf" in r.json()["error"]
    assert body.pulled == 1  # only the part's headers


async def test_a_file_exactly_at_the_limit_is_accepted(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    r = await post_stream(harness, token, session_id, CountingBody("ok.txt", chunks=2))
    assert r.status_code == 202, r.text


async def test_an_unauthenticated_upload_is_refused_before_reading(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    body = CountingBody("a.txt", chunks=1)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert r.status_code == 401 and body.pulled == 0


@pytest.mark.parametrize(
    ("request_kwargs", "status", "message"),
    [
        ({"json": {"file": "hello"}}, 422, "multipart/form-data"),
        ({"files": {"file": (None, b"plain field")}}, 422, "must be a file"),
        ({"files": {"other": ("a.txt", b"hi")}}, 422, "no 'file' file field"),
        (
            {"files": [("file", ("a.txt", b"one")), ("file", ("b.txt", b"two"))]},
            400,
            "one file",
        ),
    ],
)
async def test_forms_without_exactly_one_file_are_refused(
    harness: Harness, request_kwargs: dict[str, Any], status: int, message: str
) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content", headers=auth(token), **request_kwargs
    )
    assert r.status_code == status, r.text
    assert message in r.json()["error"]
    if status == 422:
        assert r.json()["details"][0]["loc"] == ["body", "file"]


async def test_a_truncated_body_or_a_missing_boundary_is_a_bad_request(harness: Harness) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    truncated = await post_stream(
        harness, token, session_id, CountingBody("a.txt", chunks=1, close=False)
    )
    assert truncated.status_code == 400 and "ended" in truncated.json()["error"]
    no_boundary = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        content=b"x",
        headers={**auth(token), "Content-Type": "multipart/form-data"},
    )
    assert no_boundary.status_code == 400 and "boundary" in no_boundary.json()["error"]


async def test_content_too_large_for_one_event_is_refused(harness: Harness) -> None:
    # 2 KiB of one-letter paragraphs become 680 blocks: far more than 8 KiB as an event.
    token = await harness.user()
    session_id = await harness.session(token)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("many.txt", b"a\n\n" * 680)},
        headers=auth(token),
    )
    assert r.status_code == 413 and "one piece" in r.json()["error"], r.text
    assert r.json()["details"]["event_bytes"] > 8 * 1024


async def test_an_upload_whose_event_cannot_be_recorded_is_not_accepted(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    real_add = Outbox.add

    async def failing_add(self: Outbox, event: Event, **kwargs: Any) -> Any:
        if isinstance(event, ContentUploaded):
            raise ConnectionError("store unavailable")
        return await real_add(self, event, **kwargs)

    monkeypatch.setattr(Outbox, "add", failing_add)
    r = await harness.client.post(
        f"/api/v1/sessions/{session_id}/content",
        files={"file": ("a.txt", b"hello")},
        headers=auth(token),
    )
    assert r.status_code == 503 and r.json()["success"] is False
    # Undone: the session shows no upload, and no content record is left behind.
    session = (
        await harness.client.get(f"/api/v1/sessions/{session_id}", headers=auth(token))
    ).json()["data"]["session"]
    assert session["status"] == "created"
    status = (
        await harness.client.get(
            f"/api/v1/sessions/{session_id}/analysis/status", headers=auth(token)
        )
    ).json()["data"]
    assert status["content_id"] is None
    assert await (await harness.collection("contents")).count({"session_id": session_id}) == 0


async def test_a_change_whose_event_cannot_be_recorded_answers_503_and_is_undone(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await harness.user()
    session_id = await harness.session(token)
    real_add = Outbox.add

    async def failing_add(self: Outbox, event: Event, **kwargs: Any) -> Any:
        if isinstance(event, SessionCreated | ActionItemCreated):
            raise ConnectionError("store unavailable")
        return await real_add(self, event, **kwargs)

    monkeypatch.setattr(Outbox, "add", failing_add)
    failed = [
        await harness.client.post("/api/v1/sessions", json={"title": "t"}, headers=auth(token)),
        await harness.client.post(
            f"/api/v1/sessions/{session_id}/action-items", json={"title": "t"}, headers=auth(token)
        ),
    ]
    for r in failed:  # one answer for every route: nothing was accepted, a retry is safe
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "the change could not be recorded; please try again"
    sessions = (await harness.client.get("/api/v1/sessions", headers=auth(token))).json()["data"]
    assert [s["id"] for s in sessions["items"]] == [session_id]
    items = await harness.client.get(
        f"/api/v1/sessions/{session_id}/action-items", headers=auth(token)
    )
    assert items.json()["data"]["total"] == 0
