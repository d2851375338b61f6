"""Ticket jobs through the HTTP API: demo files, signed uploads, and the job's status as
the classifier reports it over the bus."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from insightbus.common.events.tickets import (
    ClassifiedTicket,
    TicketsClassified,
    TicketsFailed,
    TicketsProgressed,
    TicketsSubmitted,
    UnclassifiedTicket,
)
from insightbus.common.testing.factories import auth, eventually
from services.gateway.tests.conftest import Harness

CSV_HEADER = "issue_key,summary,description,reporter,created_at\n"


def client_sign(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The scheme the README documents, written from the client's side."""
    message = timestamp.encode() + b"." + nonce.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    nonce = secrets.token_urlsafe(16)
    return {
        "X-Timestamp": ts,
        "X-Nonce": nonce,
        "X-Signature": client_sign(secret, ts, nonce, body),
    }


async def signing_secret(harness: Harness, token: str) -> str:
    r = await harness.client.post("/api/v1/signing-secret", headers=auth(token))
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["signing_secret"])


def tickets_csv(rows: int, start: int = 1) -> bytes:
    lines = [
        f'T-{i},My card has not arrived,"I ordered a card two weeks ago, still nothing",ada@example.com,2026-11-20T10:00:00Z\n'
        for i in range(start, start + rows)
    ]
    return (CSV_HEADER + "".join(lines)).encode()


async def upload(
    harness: Harness, token: str, raw: bytes, headers: dict[str, str], **extra: Any
) -> Any:
    body = {"csv_content": base64.b64encode(raw).decode(), "file_name": "t.csv", **extra}
    return await harness.client.post(
        "/api/tickets/upload", json=body, headers={**auth(token), **headers}
    )


def comment_fields(raw: bytes) -> dict[str, str]:
    fields = {}
    for line in raw.decode().splitlines():
        if not line.startswith("#"):
            break
        name, _, value = line[1:].partition(":")
        fields[name.strip()] = value.strip()
    return fields


def without_comments(raw: bytes) -> bytes:
    return b"".join(line for line in raw.splitlines(keepends=True) if not line.startswith(b"#"))


async def test_a_generated_file_is_realistic_signed_and_uploads_as_is(harness: Harness) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    r = await harness.client.post(
        "/api/csv/generate", json={"ticket_count": 200}, headers=auth(token)
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["row_count"] == 200 and data["file_name"].endswith(".csv")
    raw = base64.b64decode(data["csv_content"])
    fields = comment_fields(raw)
    assert list(fields) == ["X-Session-Id", "X-Signature", "X-Nonce", "X-Timestamp"]
    assert fields["X-Session-Id"] == data["session_id"]
    body = without_comments(raw)
    # Anyone holding the secret can check the signature with the documented scheme.
    assert fields["X-Signature"] == client_sign(
        secret, fields["X-Timestamp"], fields["X-Nonce"], body
    )
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == 200
    assert set(rows[0]) == {"issue_key", "summary", "description", "reporter", "created_at"}
    assert len({r["issue_key"] for r in rows}) == 200
    # Varied, like a real inbox: not a handful of templates.
    assert len({r["description"] for r in rows}) >= 190
    assert len({r["summary"] for r in rows}) >= 150
    assert all(datetime.fromisoformat(r["created_at"]) <= datetime.now(UTC) for r in rows)

    headers = {k: fields[k] for k in ("X-Signature", "X-Nonce", "X-Timestamp")}
    r = await upload(harness, token, raw, headers)
    assert r.status_code == 202, r.text
    assert r.json()["data"] == {
        "session_id": data["session_id"],
        "status": "pending",
        "total_tickets": 200,
        "message": "Classification job created",
    }
    submitted = await eventually(lambda: harness.recorder.of_type("tickets.submitted"))
    event = submitted[0]
    assert isinstance(event, TicketsSubmitted)
    assert event.session_id == data["session_id"] and len(event.tickets) == 200
    assert [t.issue_key for t in event.tickets] == [r["issue_key"] for r in rows]

    job = await harness.client.get(f"/api/tickets/{data['session_id']}", headers=auth(token))
    assert job.status_code == 200
    assert job.json()["data"]["status"] == "pending"

    # The same request again is a replay.
    r = await upload(harness, token, raw, headers)
    assert r.status_code == 409
    assert "nonce" in r.json()["error"]


@pytest.mark.parametrize("count", [0, 1001, "ten"])
async def test_generate_validates_the_count(harness: Harness, count: Any) -> None:
    token = await harness.user()
    r = await harness.client.post(
        "/api/csv/generate", json={"ticket_count": count}, headers=auth(token)
    )
    assert r.status_code == 422


async def test_signatures_are_checked(harness: Harness) -> None:
    token = await harness.user()
    raw = tickets_csv(3)
    r = await upload(harness, token, raw, signed_headers("ibs_whatever", raw))
    assert r.status_code == 401 and "signing secret" in r.json()["error"]
    secret = await signing_secret(harness, token)

    good = signed_headers(secret, raw)
    cases = {
        "missing signature": {k: v for k, v in good.items() if k != "X-Signature"},
        "missing nonce": {k: v for k, v in good.items() if k != "X-Nonce"},
        "missing timestamp": {k: v for k, v in good.items() if k != "X-Timestamp"},
        "wrong secret": signed_headers("ibs_not-the-secret", raw),
        "stale": signed_headers(secret, raw, timestamp=int(time.time()) - 301),
        "future": signed_headers(secret, raw, timestamp=int(time.time()) + 301),
        "short nonce": {**good, "X-Nonce": "abc"},
    }
    for name, headers in cases.items():
        r = await upload(harness, token, raw, headers)
        assert r.status_code == 401, name
    tampered = raw.replace(b"T-1,", b"T-9,")
    r = await upload(harness, token, tampered, good)
    assert r.status_code == 401
    # Comment lines are outside the signature: adding some changes nothing.
    r = await upload(harness, token, b"# Note: from the help desk\n" + raw, good)
    assert r.status_code == 202, r.text
    assert not [e for e in harness.recorder.of_type("tickets.submitted") if len(e.tickets) != 3]


async def test_the_previous_secret_works_during_the_overlap(harness: Harness) -> None:
    token = await harness.user()
    old = await signing_secret(harness, token)
    await signing_secret(harness, token)
    raw = tickets_csv(2)
    r = await upload(harness, token, raw, signed_headers(old, raw))
    assert r.status_code == 202, r.text


async def test_malformed_files_get_row_level_details_and_keep_the_nonce(
    harness: Harness,
) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    bad = (
        CSV_HEADER
        + "T-1,Fine,All good,a@example.com,2026-11-20T10:00:00Z\n"
        + "T-2,,No summary,a@example.com,2026-11-20T10:00:00Z\n"
        + "T-3,Bad date,Oops,a@example.com,yesterday\n"
        + "T-4,Too few fields\n"
        + "T-1,Again,Duplicate key,a@example.com,\n"
    ).encode()
    headers = signed_headers(secret, bad)
    r = await upload(harness, token, bad, headers)
    assert r.status_code == 422, r.text
    details = r.json()["details"]
    assert {(d["row"], d["column"]) for d in details} == {
        (2, "summary"),
        (3, "created_at"),
        (4, None),
        (5, "issue_key"),
    }
    assert not harness.recorder.of_type("tickets.submitted")  # nothing half-accepted

    for raw, column in ((b"summary,description\nx,y\n", "issue_key"), (b"", None)):
        r = await upload(harness, token, raw, signed_headers(secret, raw))
        assert r.status_code == 422
        if column:
            assert r.json()["details"][0]["column"] == column
    r = await upload(
        harness, token, CSV_HEADER.encode(), signed_headers(secret, CSV_HEADER.encode())
    )
    assert r.status_code == 422 and "no tickets" in r.json()["error"]
    r = await harness.client.post(
        "/api/tickets/upload",
        json={"csv_content": "not base64!", "file_name": "t.csv"},
        headers={**auth(token), **headers},
    )
    assert r.status_code == 422

    # The rejected upload did not spend its nonce: the fixed file goes with the same one.
    fixed = tickets_csv(2)
    headers["X-Signature"] = client_sign(secret, headers["X-Timestamp"], headers["X-Nonce"], fixed)
    r = await upload(harness, token, fixed, headers)
    assert r.status_code == 202, r.text


async def test_multipart_upload_with_an_api_key(harness: Harness) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    key = (
        await harness.client.post("/api/v1/api-keys", json={"name": "bot"}, headers=auth(token))
    ).json()["data"]["key"]
    raw = tickets_csv(4)
    r = await harness.client.post(
        "/api/tickets/upload",
        files={"file": ("desk.csv", raw, "text/csv")},
        headers={"X-API-Key": key, **signed_headers(secret, raw)},
    )
    assert r.status_code == 202, r.text
    session_id = r.json()["data"]["session_id"]
    event = (await eventually(lambda: harness.recorder.of_type("tickets.submitted")))[0]
    assert event.file_name == "desk.csv" and event.callback_url is None
    r = await harness.client.get(f"/api/tickets/{session_id}", headers={"X-API-Key": key})
    assert r.status_code == 200


async def test_callback_urls_must_be_public(harness: Harness) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    raw = tickets_csv(1)
    for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/latest", "ftp://x.org/", "x"):
        r = await upload(harness, token, raw, signed_headers(secret, raw), callback_url=url)
        assert r.status_code == 422, url
        assert "callback_url" in r.json()["error"]


def _classified(event: TicketsSubmitted) -> TicketsClassified:
    now = datetime.now(UTC)
    tickets = tuple(
        ClassifiedTicket(
            row=t.row,
            issue_key=t.issue_key,
            summary=t.summary,
            category="card_arrival",
            priority="medium",
            urgency="medium",
            impact="medium",
            sentiment="negative",
            confidence_score=0.9,
            sla_due_date=now + timedelta(hours=24),
        )
        for t in event.tickets[1:]
    )
    return TicketsClassified(
        session_id=event.session_id,
        user_id=event.user_id,
        file_name=event.file_name,
        started_at=now,
        completed_at=now,
        processing_time_ms=12.5,
        total_tickets=len(event.tickets),
        counts_by_category={"card_arrival": len(tickets)},
        counts_by_priority={"medium": len(tickets)},
        tickets=tickets,
        unclassified=(
            UnclassifiedTicket(row=1, issue_key=event.tickets[0].issue_key, reason="no text"),
        ),
    )


async def test_the_job_follows_the_classifier(harness: Harness) -> None:
    token = await harness.user()
    other = await harness.user("eve@example.com")
    secret = await signing_secret(harness, token)
    raw = tickets_csv(10)
    session_id = (await upload(harness, token, raw, signed_headers(secret, raw))).json()["data"][
        "session_id"
    ]
    submitted = (await eventually(lambda: harness.recorder.of_type("tickets.submitted")))[0]
    path = f"/api/tickets/{session_id}"

    async def job() -> dict[str, Any]:
        r = await harness.client.get(path, headers=auth(token))
        assert r.status_code == 200
        return dict(r.json()["data"])

    base = {"session_id": session_id, "user_id": submitted.user_id}
    await harness.publish(TicketsProgressed(**base, processed=4, total=10))
    progressing = await eventually(lambda: _when(job(), lambda j: j["status"] == "processing"))
    assert progressing["progress"] == {"processed": 4, "total": 10, "percent": 40}

    await harness.publish(_classified(submitted))
    done = await eventually(lambda: _when(job(), lambda j: j["status"] == "completed"))
    assert done["results"]["total_tickets"] == 10
    assert done["results"]["counts_by_priority"] == {"medium": 9}
    assert done["results"]["processing_time_ms"] == 12.5
    assert done["completed_at"] and done["created_at"]
    assert len(done["tickets"]) == 9
    assert set(done["tickets"][0]) == {
        "issue_key",
        "summary",
        "category",
        "priority",
        "urgency",
        "impact",
        "sentiment",
        "confidence_score",
        "sla_due_date",
    }
    assert done["unclassified"] == [{"row": 1, "issue_key": "T-1", "reason": "no text"}]
    assert "progress" not in done

    # A late progress report or failure does not move an ended job.
    await harness.publish(TicketsProgressed(**base, processed=8, total=10))
    await harness.publish(
        TicketsFailed(**base, file_name="t.csv", failed_at=datetime.now(UTC), error_message="x")
    )
    # One partition (see the fixture): once a later job's event is applied, these were too.
    marker = await _upload_job(harness, token, secret)
    await harness.publish(
        TicketsFailed(
            **{**base, "session_id": marker},
            file_name="t.csv",
            failed_at=datetime.now(UTC),
            error_message="m",
        )
    )
    await eventually(lambda: _when(_job(harness, token, marker), lambda j: j["status"] == "failed"))
    assert (await job())["status"] == "completed"

    assert (await harness.client.get(path, headers=auth(other))).status_code == 404
    assert (await harness.client.get(path)).status_code == 401
    listed = (await harness.client.get("/api/tickets", headers=auth(token))).json()["data"]
    assert [j["session_id"] for j in listed["items"]] == [marker, session_id]  # newest first
    assert listed["items"][1]["results"]["total_tickets"] == 10
    assert "tickets" not in listed["items"][1]


async def test_a_failed_job_says_why(harness: Harness) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    raw = tickets_csv(2)
    session_id = (await upload(harness, token, raw, signed_headers(secret, raw))).json()["data"][
        "session_id"
    ]
    submitted = (await eventually(lambda: harness.recorder.of_type("tickets.submitted")))[0]
    await harness.publish(
        TicketsFailed(
            session_id=session_id,
            user_id=submitted.user_id,
            file_name="t.csv",
            failed_at=datetime.now(UTC),
            error_message="the category model cannot be loaded",
        )
    )

    async def failed() -> Any:
        r = await harness.client.get(f"/api/tickets/{session_id}", headers=auth(token))
        data = r.json()["data"]
        return data if data["status"] == "failed" else None

    data = await eventually(failed)
    assert data["error_message"] == "the category model cannot be loaded"


@pytest.fixture
def bus_partitions() -> int:
    return 1


async def _upload_job(harness: Harness, token: str, secret: str) -> str:
    raw = tickets_csv(1)
    r = await upload(harness, token, raw, signed_headers(secret, raw))
    assert r.status_code == 202, r.text
    return str(r.json()["data"]["session_id"])


async def _job(harness: Harness, token: str, session_id: str) -> dict[str, Any]:
    r = await harness.client.get(f"/api/tickets/{session_id}", headers=auth(token))
    assert r.status_code == 200
    return dict(r.json()["data"])


async def _when(value: Any, check: Any) -> Any:
    result = await value
    return result if check(result) else None
