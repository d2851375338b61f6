"""A client of the platform, as an application would write it, for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from websockets.asyncio.client import connect

TRANSCRIPT = [
    {
        "speaker": "Therapist",
        "text": "How has your week been since we last talked?",
        "timestamp": "00:00:05",
    },
    {
        "speaker": "Client",
        "text": "Honestly it was awful. I felt so anxious and scared about the job interview, I could not sleep at all.",
        "timestamp": "00:00:12",
    },
    {
        "speaker": "Client",
        "text": "My sister was annoyed with me and I got really angry at her, which I regret.",
        "timestamp": "00:00:31",
    },
    {
        "speaker": "Therapist",
        "text": "That sounds hard. What helped, even a little?",
        "timestamp": "00:00:50",
    },
    {
        "speaker": "Client",
        "text": "The interview went well in the end and I am so happy and grateful that they offered me the job!",
        "timestamp": "00:01:10",
    },
    {
        "speaker": "Client",
        "text": "I will call my sister tomorrow to apologise, and I am going to keep a sleep diary this week.",
        "timestamp": "00:01:40",
    },
]


async def signed_up_client(base_url: str) -> tuple[httpx.AsyncClient, str, str]:
    """A client with a fresh user's access token; returns (client, token, user_id)."""
    client = httpx.AsyncClient(base_url=base_url, timeout=10)
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": "correct horse battery", "name": "Ada"},
    )
    assert r.status_code == 201, r.text
    user_id = r.json()["data"]["user"]["id"]
    r = await client.post(
        "/api/v1/auth/login", json={"email": email, "password": "correct horse battery"}
    )
    assert r.status_code == 200, r.text
    token = r.json()["data"]["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client, token, user_id


async def create_session(client: httpx.AsyncClient, title: str = "Weekly check-in") -> str:
    r = await client.post("/api/v1/sessions", json={"title": title, "description": "e2e"})
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["session"]["id"])


async def upload(client: httpx.AsyncClient, session_id: str, name: str, body: bytes) -> str:
    r = await client.post(f"/api/v1/sessions/{session_id}/content", files={"file": (name, body)})
    assert r.status_code == 202, r.text
    return str(r.json()["data"]["content_id"])


async def watch_until_complete(
    ws_url: str,
    session_id: str,
    token: str,
    *,
    last_event_id: str | None = None,
    timeout: float = 30,
    subscribed: asyncio.Event | None = None,
) -> list[dict[str, Any]]:
    """Every message on the session's socket up to and including ``analysis_complete``.
    ``subscribed`` is set once the socket is live (its ping answered): what is published
    from then on reaches it live, not by replay."""

    query = f"?last_event_id={last_event_id}" if last_event_id else ""
    messages: list[dict[str, Any]] = []
    async with connect(
        f"{ws_url}/api/v1/sessions/{session_id}/events{query}",
        additional_headers={"Authorization": f"Bearer {token}"},
    ) as ws:
        if subscribed is not None:
            await ws.send(json.dumps({"type": "ping"}))
        async with asyncio.timeout(timeout):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "pong" and subscribed is not None:
                    subscribed.set()
                    continue
                messages.append(message)
                if message["type"] in ("analysis_complete", "analysis_failed"):
                    return messages


def comment_fields(raw: bytes) -> dict[str, str]:
    """The ``# Name: value`` lines at the top of a generated ticket file."""
    fields = {}
    for line in raw.decode().splitlines():
        if not line.startswith("#"):
            break
        name, _, value = line[1:].partition(":")
        fields[name.strip()] = value.strip()
    return fields


async def generated_ticket_job(client: httpx.AsyncClient, count: int, **extra: Any) -> str:
    """Generate a signed demo file and upload it as is; returns the job's session id."""
    import base64

    r = await client.post("/api/csv/generate", json={"ticket_count": count})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    fields = comment_fields(base64.b64decode(data["csv_content"]))
    r = await client.post(
        "/api/tickets/upload",
        json={"csv_content": data["csv_content"], "file_name": data["file_name"], **extra},
        headers={k: fields[k] for k in ("X-Signature", "X-Nonce", "X-Timestamp")},
    )
    assert r.status_code == 202, r.text
    return str(r.json()["data"]["session_id"])


async def ticket_job_when_ended(
    client: httpx.AsyncClient, session_id: str, timeout: float = 60
) -> dict[str, Any]:
    import asyncio

    async with asyncio.timeout(timeout):
        while True:
            r = await client.get(f"/api/tickets/{session_id}")
            assert r.status_code == 200, r.text
            job: dict[str, Any] = r.json()["data"]
            if job["status"] in ("completed", "failed"):
                return job
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def analysed(
    base_url: str, ws_url: str, name: str, body: bytes, title: str = "Session"
) -> AsyncIterator[tuple[httpx.AsyncClient, str, list[dict[str, Any]]]]:
    """A new user's upload, analysed: their client, the session id, and every message its
    socket got up to the end of the analysis."""
    client, token, _ = await signed_up_client(base_url)
    async with contextlib.aclosing(client):
        session_id = await create_session(client, title)
        await upload(client, session_id, name, body)
        yield client, session_id, await watch_until_complete(ws_url, session_id, token)


async def signed_ticket_job(client: httpx.AsyncClient, rows: int) -> str:
    """A CSV of ``rows`` tickets signed with the user's secret (the README's scheme) and
    uploaded; returns the job's session id. For more tickets than the generator makes."""
    import base64
    import hashlib
    import hmac
    import secrets
    import time

    r = await client.post("/api/v1/signing-secret")
    assert r.status_code == 201, r.text
    secret = str(r.json()["data"]["signing_secret"])
    subjects = ("My card has not arrived", "Refund still pending", "Cannot log in to the app")
    raw = (
        "issue_key,summary,description,reporter,created_at\n"
        + "".join(
            f"T-{i},{subjects[i % 3]},Ticket number {i} needs an answer,ada@example.com,"
            "2026-11-20T10:00:00Z\n"
            for i in range(1, rows + 1)
        )
    ).encode()
    timestamp, nonce = str(int(time.time())), secrets.token_urlsafe(16)
    message = timestamp.encode() + b"." + nonce.encode() + b"." + raw
    r = await client.post(
        "/api/tickets/upload",
        json={"csv_content": base64.b64encode(raw).decode()},
        headers={
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": hmac.new(secret.encode(), message, hashlib.sha256).hexdigest(),
        },
    )
    assert r.status_code == 202, r.text
    return str(r.json()["data"]["session_id"])
