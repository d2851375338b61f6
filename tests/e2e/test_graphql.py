"""GraphQL through `insightbus up`: subscriptions over graphql-transport-ws on a real socket
(fed by the notifier's streams), their authentication, resume with ``after``, and the
README's two examples as written."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import ROOT, RunningStack
from tests.e2e.flow import create_session, signed_up_client, upload

PROTOCOL = "graphql-transport-ws"
DIARY = (
    b"Today was rough. My manager criticized the report in front of the whole team and I felt "
    b"humiliated and angry. Later my friend called and we laughed about it; I felt much better "
    b"and grateful to have her. I need to finish the budget slides by Friday ... I'm worried "
    b"about the deadline but also excited about the new project launch"
)
SESSION_EVENTS = """subscription($s: ID!, $after: String) {
  sessionEvents(sessionId: $s, after: $after) { id type data } }"""
ENDED = ("analysis_complete", "analysis_failed")


@asynccontextmanager
async def gql_socket(
    ws_url: str, payload: dict[str, Any] | None
) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws connection, acknowledged (``payload``: connection_init's)."""
    async with connect(f"{ws_url}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == PROTOCOL
        await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        async with asyncio.timeout(10):
            ack = json.loads(await ws.recv())
        assert ack["type"] == "connection_ack", ack
        yield ws


async def subscribe(ws: ClientConnection, op: str, query: str, **variables: Any) -> None:
    await ws.send(
        json.dumps(
            {"id": op, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )
    )


async def next_of(ws: ClientConnection, op: str, timeout: float = 30) -> dict[str, Any]:
    """The next message of operation ``op`` (``next``, ``error`` or ``complete``)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif message.get("id") == op:
                return dict(message)


async def events_until_ended(ws: ClientConnection, op: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        message = await next_of(ws, op)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        event = message["payload"]["data"]["sessionEvents"]
        events.append(event)
        if event["type"] in ENDED:
            return events


async def test_session_events_from_upload_to_complete_and_resume_after(
    stack: RunningStack,
) -> None:
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client)
        async with gql_socket(stack.ws_url, {"Authorization": f"Bearer {token}"}) as ws:
            await subscribe(ws, "all", SESSION_EVENTS, s=session_id)
            await upload(client, session_id, "diary.txt", DIARY)
            everything = await events_until_ended(ws, "all")
            types = [e["type"] for e in everything]
            assert types[0] == "analysis_progress" and types[-1] == "analysis_complete", types
            assert "new_emotion" in types and "new_topic" in types
            names = {e["data"]["name"] for e in everything if e["type"] == "new_emotion"}
            assert {"anger", "gratitude"} <= names, names
            # Resumed after the third: exactly what followed it, in order, on the same socket.
            await subscribe(ws, "rest", SESSION_EVENTS, s=session_id, after=everything[2]["id"])
            rest = await events_until_ended(ws, "rest")
            assert [e["id"] for e in rest] == [e["id"] for e in everything[3:]]
        # The same as the REST API reads.
        emotions = (await client.get(f"/api/v1/sessions/{session_id}/emotions")).json()["data"]
        assert {e["name"] for e in emotions["items"]} == names


async def test_deleting_the_watched_session_ends_its_subscription_with_not_found(
    stack: RunningStack,
) -> None:
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client)
        await upload(client, session_id, "diary.txt", DIARY)
        async with gql_socket(stack.ws_url, {"Authorization": f"Bearer {token}"}) as ws:
            await subscribe(ws, "w", SESSION_EVENTS, s=session_id)
            await events_until_ended(ws, "w")  # replayed: the subscription is live from here
            r = await client.post(
                "/graphql",
                json={
                    "query": "mutation($s: ID!) { deleteSession(id: $s) { deleted } }",
                    "variables": {"s": session_id},
                },
            )
            assert r.json() == {"data": {"deleteSession": {"deleted": True}}}, r.text
            ended = await next_of(ws, "w")
            while ended["type"] == "next" and ended["payload"].get("data"):
                ended = await next_of(ws, "w")  # what followed analysis_complete (its to-dos)
            assert ended["type"] == "next" and ended["payload"]["data"] is None, ended
            assert ended["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND", ended
            assert (await next_of(ws, "w"))["type"] == "complete"


async def test_my_notifications_and_the_token_in_the_upgrade_header(stack: RunningStack) -> None:
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client)
        # The token in the upgrade's Authorization header instead of connection_init.
        async with connect(
            f"{stack.ws_url}/graphql",
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            additional_headers={"Authorization": f"Bearer {token}"},
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await subscribe(ws, "n", "subscription { myNotifications { type message } }")
            # The channel has no replay: change something until a change shows up (the
            # subscription's own socket to the notifier is then open), then upload.
            create = """mutation($s: ID!) { createActionItem(sessionId: $s,
                          item: {title: "ping"}) { id } }"""
            first = None
            for _ in range(20):
                r = await client.post(
                    "/graphql", json={"query": create, "variables": {"s": session_id}}
                )
                assert r.status_code == 200 and "errors" not in r.json(), r.text
                try:
                    first = await next_of(ws, "n", timeout=1)
                    break
                except TimeoutError:
                    continue
            assert first is not None and first["type"] == "next", first
            notification = first["payload"]["data"]["myNotifications"]
            assert notification["type"] == "action_item_created"
            assert notification["message"]["session_id"] == session_id
            await upload(client, session_id, "diary.txt", DIARY)
            while True:
                message = await next_of(ws, "n")
                assert message["type"] == "next", message
                seen = message["payload"]["data"]["myNotifications"]
                if seen["type"] == "analysis_complete":
                    assert seen["message"]["session_id"] == session_id
                    break


async def test_subscriptions_are_refused_without_a_valid_token(stack: RunningStack) -> None:
    owner, _, _ = await signed_up_client(stack.base_url)
    stranger, stranger_token, _ = await signed_up_client(stack.base_url)
    async with aclosing(owner), aclosing(stranger):
        session_id = await create_session(owner)
        for payload in ({}, {"Authorization": "Bearer not-a-token"}, {"token": "nope"}):
            async with connect(f"{stack.ws_url}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
                await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                with pytest.raises(ConnectionClosed) as closed:
                    await ws.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        # A subscribe before connection_init: 4401, and nothing runs.
        async with connect(f"{stack.ws_url}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
            await subscribe(ws, "x", SESSION_EVENTS, s=session_id)
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        # Another user's session is simply not found.
        async with gql_socket(stack.ws_url, {"Authorization": f"Bearer {stranger_token}"}) as ws:
            await subscribe(ws, "s", SESSION_EVENTS, s=session_id)
            refused = await next_of(ws, "s")
            assert refused["type"] in ("next", "error"), refused
            errors = (
                refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "NOT_FOUND", refused


async def test_the_abuse_limits_hold_over_the_socket_too(stack: RunningStack) -> None:
    _, token, _ = await signed_up_client(stack.base_url)
    deep = (
        "query { sessions { items "
        + "{ actionItems { items { session " * 3
        + "{ id }"
        + " } } }" * 3
        + " } }"
    )
    aliases = "subscription { " + " ".join(f"a{n}: myNotifications {{ type }}" for n in range(20))
    async with gql_socket(stack.ws_url, {"Authorization": f"Bearer {token}"}) as ws:
        for op, query, refusal in (
            ("deep", deep, "exceeds maximum operation depth"),
            ("aliases", aliases + " }", "aliases"),
        ):
            await subscribe(ws, op, query)
            refused = await next_of(ws, op)
            assert refused["type"] == "error", refused
            assert refusal in refused["payload"][0]["message"].lower(), refused
        # The socket still answers what is within the limits.
        await subscribe(ws, "ok", "query { me { email } }")
        answered = await next_of(ws, "ok")
        assert answered["type"] == "next" and answered["payload"]["data"]["me"]["email"]


def _readme_block(name: str, language: str) -> str:
    found = re.findall(
        rf"<!-- {name} [^>]*-->\n```{language}\n(.*?)```", (ROOT / "README.md").read_text(), re.S
    )
    assert len(found) == 1, name
    return str(found[0])


async def test_the_readme_examples_run_as_written(stack: RunningStack, tmp_path: Path) -> None:
    client, token, _ = await signed_up_client(stack.base_url)
    async with aclosing(client):
        session_id = await create_session(client, "Weekly check-in")
        await upload(client, session_id, "diary.txt", DIARY)
        env = {
            **os.environ,
            "INSIGHTBUS_URL": stack.base_url,
            "TOKEN": token,
            "SESSION": session_id,
        }
        # The subscription first: it replays the session's log, then ends at the analysis'.
        run = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", _readme_block("graphql-subscription-example", "python")],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert lines[-1].endswith("analysis_complete"), run.stdout
        assert any(line.endswith("new_emotion") for line in lines), run.stdout
        # The query, as the README's curl sends it.
        run = await asyncio.to_thread(
            subprocess.run,
            ["bash", "-c", _readme_block("graphql-query-example", "sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert run.returncode == 0, run.stderr
        answer = json.loads(run.stdout)
        assert "errors" not in answer, answer
        sessions = answer["data"]["sessions"]["items"]
        assert [s["title"] for s in sessions] == ["Weekly check-in"]
        assert sessions[0]["analysisStatus"]["status"] == "completed"
        emotions = sessions[0]["emotions"]["items"]
        assert emotions and all(e["intensity"] >= 0.5 for e in emotions), emotions
        assert httpx.URL(stack.base_url).host == "127.0.0.1"
