"""Ticket uploads exactly as the integration guides' Python, Node.js and PHP examples send
them: ``{"csv_content": ...}`` and the signature headers, no ``file_name``."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness
from services.gateway.tests.test_tickets import (
    client_sign,
    comment_fields,
    signed_headers,
    signing_secret,
    tickets_csv,
)

UPLOADED_NAME = re.compile(r"tickets_(\d{8}T\d{6}Z)\.csv")


async def generated(harness: Harness, token: str, count: int = 3) -> dict[str, Any]:
    r = await harness.client.post(
        "/api/csv/generate", json={"ticket_count": count}, headers=auth(token)
    )
    assert r.status_code == 200, r.text
    return dict(r.json()["data"])


async def job(harness: Harness, token: str, session_id: str) -> dict[str, Any]:
    r = await harness.client.get(f"/api/tickets/{session_id}", headers=auth(token))
    assert r.status_code == 200, r.text
    return dict(r.json()["data"])


def uploaded_at(file_name: str) -> datetime:
    found = UPLOADED_NAME.fullmatch(file_name)
    assert found, file_name
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


async def test_the_python_guide_uploads_a_generated_file_under_its_generated_name(
    harness: Harness,
) -> None:
    token = await harness.user()
    await signing_secret(harness, token)
    key = (
        await harness.client.post("/api/v1/api-keys", json={"name": "bot"}, headers=auth(token))
    ).json()["data"]["key"]
    data = await generated(harness, token)
    raw = base64.b64decode(data["csv_content"])
    fields = comment_fields(raw)
    # The guide's Python, with the values the file announces as its headers.
    r = await harness.client.post(
        "/api/tickets/upload",
        headers={
            "X-API-Key": key,
            "X-Signature": fields["X-Signature"],
            "X-Nonce": fields["X-Nonce"],
            "X-Timestamp": fields["X-Timestamp"],
        },
        json={"csv_content": base64.b64encode(raw).decode()},
    )
    assert r.status_code == 202, r.text
    assert r.json()["data"]["session_id"] == data["session_id"]
    assert (await job(harness, token, data["session_id"]))["file_name"] == data["file_name"]
    event = (await eventually(lambda: harness.recorder.of_type("tickets.submitted")))[0]
    assert event.file_name == data["file_name"]
    listed = await harness.client.get("/api/tickets", headers=auth(token))
    assert [j["file_name"] for j in listed.json()["data"]["items"]] == [data["file_name"]]


async def test_the_node_and_php_guides_upload_their_own_file_named_by_the_upload_time(
    harness: Harness,
) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    raw = tickets_csv(3) + b"T-4,Why???,Is my card lost??? Why???,ada@example.com,\n"
    content = base64.b64encode(raw).decode()
    assert "/" in content  # so that PHP's escaping is exercised
    bodies = {
        # JSON.stringify({csv_content: content}) with fetch's "Content-Type: application/json"
        "node": json.dumps({"csv_content": content}, separators=(",", ":")).encode(),
        # json_encode(['csv_content' => $content]) escapes every "/" as "\/"
        "php": json.dumps({"csv_content": content}).replace("/", "\\/").encode(),
    }
    for client, body in bodies.items():
        ts, nonce = str(int(time.time())), secrets.token_urlsafe(16)
        before = datetime.now(UTC).replace(microsecond=0)
        r = await harness.client.post(
            "/api/tickets/upload",
            content=body,
            headers={
                **auth(token),
                "Content-Type": "application/json",
                "X-Signature": client_sign(secret, ts, nonce, raw),
                "X-Nonce": nonce,
                "X-Timestamp": ts,
            },
        )
        after = datetime.now(UTC)
        assert r.status_code == 202, (client, r.text)
        file_name = (await job(harness, token, r.json()["data"]["session_id"]))["file_name"]
        assert before <= uploaded_at(file_name) <= after, (client, file_name)


async def test_a_multipart_file_without_a_name_is_named_like_a_json_one(
    harness: Harness,
) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    data = await generated(harness, token)
    ours = base64.b64decode(data["csv_content"])
    fields = comment_fields(ours)
    signed = {k: fields[k] for k in ("X-Signature", "X-Nonce", "X-Timestamp")}
    theirs = tickets_csv(2)
    names = []
    for raw, headers in ((ours, signed), (theirs, signed_headers(secret, theirs))):
        before = datetime.now(UTC).replace(microsecond=0)
        r = await harness.client.post(
            "/api/tickets/upload",
            # httpx, like curl -F "file=<tickets.csv", sends no file name at all
            files={"file": ("", raw, "text/csv")},
            headers={**auth(token), **headers},
        )
        assert r.status_code == 202, r.text
        names.append((await job(harness, token, r.json()["data"]["session_id"]))["file_name"])
    assert names[0] == data["file_name"]
    assert before <= uploaded_at(names[1]) <= datetime.now(UTC)


async def test_a_given_file_name_is_kept_and_still_checked(harness: Harness) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    data = await generated(harness, token)
    raw = base64.b64decode(data["csv_content"])
    fields = comment_fields(raw)
    headers = {**auth(token), **{k: fields[k] for k in ("X-Signature", "X-Nonce", "X-Timestamp")}}
    for bad in ("", "x" * 256, 42):
        r = await harness.client.post(
            "/api/tickets/upload",
            json={"csv_content": data["csv_content"], "file_name": bad},
            headers=headers,
        )
        assert r.status_code == 422, bad
        assert r.json()["details"][0]["loc"] == ["body", "file_name"]
    r = await harness.client.post(
        "/api/tickets/upload",
        json={"csv_content": data["csv_content"], "file_name": "desk.csv"},
        headers=headers,
    )
    assert r.status_code == 202, r.text
    assert (await job(harness, token, data["session_id"]))["file_name"] == "desk.csv"
    # A file whose comments only look like ours is named by its upload.
    forged = b"# X-Session-Id: not-an-id\n# X-Timestamp: 99999999999999999999\n" + tickets_csv(1)
    r = await harness.client.post(
        "/api/tickets/upload",
        json={"csv_content": base64.b64encode(forged).decode()},
        headers={**auth(token), **signed_headers(secret, tickets_csv(1))},
    )
    assert r.status_code == 202, r.text
    uploaded_at((await job(harness, token, r.json()["data"]["session_id"]))["file_name"])
