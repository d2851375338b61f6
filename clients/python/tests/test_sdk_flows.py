"""The SDK end to end against a running stack: the Insight Journey, tickets, refresh,
rate limits, a socket dropped mid-analysis, and webhook verification."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from clients.python.tests.conftest import DIARY, PASSWORD, new_email
from insightbus_client import (
    AsyncClient,
    AuthenticationError,
    Client,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    RetryPolicy,
    ValidationFailed,
    WebhookVerificationError,
    classified_csv,
    sign,
    verify,
)
from insightbus_client._core import token_expired
from insightbus_client.models import TicketJobResultsOut
from tests.conftest import TEST_ENV, RunningStack, start_stack


async def until_expired(client: AsyncClient | Client) -> None:
    """Wait for the client's access token to expire (a 2 s TTL): what follows must refresh."""
    token = client.tokens.access_token
    while not token_expired(token, skew_s=-0.5):
        await asyncio.sleep(0.1)


async def logged_in(base_url: str) -> AsyncClient:
    client = AsyncClient(base_url)
    email = new_email()
    await client.register(email, PASSWORD, "Ada")
    await client.login(email, PASSWORD)
    return client


async def test_the_insight_journey(sdk_stack: RunningStack, tmp_path: Path) -> None:
    async with await logged_in(sdk_stack.base_url) as client:
        session = await client.create_session("Weekly check-in", "diary")
        diary = tmp_path / "diary.txt"
        diary.write_text(DIARY)
        accepted = await client.upload(session.id, diary)
        assert accepted.session_id == session.id

        await until_expired(client)  # the socket's token is renewed before it connects
        refresh_before = client.tokens.refresh_token
        messages = [m async for m in client.follow_analysis(session.id, accepted.content_id)]
        assert client.tokens.refresh_token != refresh_before
        types = [m["type"] for m in messages]
        assert types[-1] == "analysis_complete"
        assert "analysis_progress" in types and "new_emotion" in types
        ids = [m["id"] for m in messages]
        assert len(ids) == len(set(ids))

        await until_expired(client)  # an HTTP call answered 401 "token expired": refreshed
        status = await client.analysis_status(session.id)
        assert str(status.status) == "completed" and status.progress == 100

        emotions = [e async for e in client.emotions(session.id, page_size=2)]  # pages of 2
        names = {e.name for e in emotions}
        assert {"anger", "gratitude"} <= names, names
        done = messages[-1]["data"]
        assert len(emotions) == done["emotions"]
        assert len([t async for t in client.topics(session.id)]) == done["topics"]
        insights = [i async for i in client.insights(session.id)]
        assert len(insights) == done["insights"] and insights
        items = [a async for a in client.action_items(session.id)]
        assert len(items) == done["action_items"]

        # The same upload again, with the same key: the first result, no second analysis.
        key = "journey-1"
        first = await client.upload(
            session.id, DIARY.encode(), filename="d.txt", idempotency_key=key
        )
        again = await client.upload(
            session.id, DIARY.encode(), filename="d.txt", idempotency_key=key
        )
        assert again.content_id == first.content_id
        with pytest.raises(ValidationFailed, match="Idempotency-Key"):
            await client.upload(session.id, b"Other words.", filename="d.txt", idempotency_key=key)

        with pytest.raises(NotFound) as missing:
            await client.get_session("nope")
        assert missing.value.status == 404 and missing.value.code == "not_found"
        assert missing.value.message == "session not found"


async def test_tickets_end_to_end(sdk_stack: RunningStack, tmp_path: Path) -> None:
    async with await logged_in(sdk_stack.base_url) as client:
        secret = (await client.rotate_signing_secret()).signing_secret
        # A generated file is signed already: upload it as it is.
        generated = await client.generate_tickets(12)
        job = await client.upload_tickets(generated.content)
        assert job.session_id == generated.session_id and job.total_tickets == 12
        seen: list[str] = []
        ended = await client.wait_for_ticket_job(
            job.session_id, on_progress=lambda j: seen.append(j.status.value)
        )
        assert ended.status.value == "completed", ended
        assert isinstance(ended.tickets, list) and isinstance(ended.unclassified, list)
        assert len(ended.tickets) + len(ended.unclassified) == 12
        assert isinstance(ended.results, TicketJobResultsOut)
        assert ended.results.total_tickets == 12
        assert all(0 <= t.confidence_score <= 1 for t in ended.tickets)
        listed = [j async for j in client.ticket_jobs()]
        assert [j.status.value for j in listed if j.session_id == job.session_id] == ["completed"]

        # A file of our own, signed with the secret as the README documents.
        own = tmp_path / "desk.csv"
        own.write_text(
            "issue_key,summary,description\n"
            "D-1,Card not arrived,I ordered a card two weeks ago and it has not arrived\n"
            "D-2,Refund missing,The refund for my cancelled order never reached my account\n"
        )
        mine = await client.upload_tickets(own, signing_secret=secret)
        done = await client.wait_for_ticket_job(mine.session_id)
        assert done.status.value == "completed"
        rows = list(csv.DictReader(io.StringIO(classified_csv(done).decode())))
        assert [r["issue_key"] for r in rows] == ["D-1", "D-2"]
        assert all(r["category"] or r["unclassified_reason"] for r in rows)

        # A wrong secret is the server's 401, in the error envelope's words.
        with pytest.raises(AuthenticationError, match="signature does not match"):
            await client.upload_tickets(own, signing_secret="wrong")
        # The signature is exactly the README's.
        signed = sign(b"# note\nbody", "s3cret", timestamp=1, nonce="n" * 16)
        import hashlib
        import hmac

        expected = hmac.new(b"s3cret", b"1." + b"n" * 16 + b".body", hashlib.sha256).hexdigest()
        assert signed.signature == expected


class CuttingProxy:
    """A TCP relay to the stack that cuts the first WebSocket connection after its upgrade
    and ``cut_after`` more bytes from the server, mid-stream (as a network would)."""

    def __init__(self, target: str, cut_after: int) -> None:
        self.host, port = target.removeprefix("http://").split(":")
        self.port = int(port)
        self.cut_after = cut_after
        self.sockets = 0
        self.cuts = 0
        self.url = ""

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self.url

    async def __aenter__(self) -> CuttingProxy:
        return self

    async def __aexit__(self, *_: object) -> None:
        self.server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        first = await reader.read(65536)
        cut: int | None = None
        if b"upgrade: websocket" in first.lower():
            self.sockets += 1
            if self.sockets == 1:
                cut = self.cut_after
        up_writer.write(first)

        async def pipe(
            src: asyncio.StreamReader, dst: asyncio.StreamWriter, limit: int | None
        ) -> None:
            body_seen = 0
            header_done = limit is None
            buffer = b""
            try:
                while data := await src.read(65536):
                    if not header_done:
                        buffer += data
                        end = buffer.find(b"\r\n\r\n")
                        if end < 0:
                            dst.write(data)
                            continue
                        header_done = True
                        dst.write(data)
                        body_seen = len(buffer) - end - 4
                    else:
                        body_seen += len(data)
                        dst.write(data)
                    if limit is not None and header_done and body_seen >= limit:
                        self.cuts += 1
                        break
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                for w in (writer, up_writer):
                    w.close()

        await asyncio.gather(pipe(reader, up_writer, None), pipe(up_reader, writer, cut))


async def test_a_socket_dropped_mid_analysis_resumes_without_loss_or_duplicates(
    sdk_stack: RunningStack,
) -> None:
    proxy = CuttingProxy(sdk_stack.base_url, cut_after=300)
    async with proxy, await logged_in(await proxy.start()) as client:
        session = await client.create_session("Dropped")
        accepted = await client.upload(session.id, DIARY.encode(), filename="diary.txt")
        got = [m async for m in client.follow_analysis(session.id, accepted.content_id)]
        assert proxy.cuts == 1 and proxy.sockets >= 2  # cut, and opened again
        # What the session's log holds, read in one piece straight from the stack.
        direct = AsyncClient(
            sdk_stack.base_url,
            access_token=client.tokens.access_token,
            refresh_token=client.tokens.refresh_token,
        )
        async with direct:
            whole = [m async for m in direct.follow_analysis(session.id, accepted.content_id)]
    assert [m["id"] for m in got] == [m["id"] for m in whole]
    assert got == whole
    assert got[-1]["type"] == "analysis_complete"


async def test_webhooks_are_managed_and_verified(sdk_stack: RunningStack) -> None:
    async with await logged_in(sdk_stack.base_url) as client:
        created = await client.create_webhook(
            "http://127.0.0.1:9/hook", ["analysis.complete"], "mine"
        )
        assert created.secret.startswith("whsec_")
        assert [w.id async for w in client.webhooks()] == [created.webhook.id]
        updated = await client.update_webhook(created.webhook.id, description="renamed")
        assert updated.description == "renamed"
        rotated = await client.rotate_webhook_secret(created.webhook.id)
        await client.delete_webhook(created.webhook.id)
        with pytest.raises(NotFound):
            await client.get_webhook(created.webhook.id)

    # Signed as the notifier signs (its own module), verified by the SDK.
    from insightbus.notifier.domain.signing import signature_header

    body = json.dumps({"event": "analysis.complete", "data": {}, "timestamp": "t"})
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": "1000",
        "webhook-signature": signature_header([created.secret, rotated], "msg_1", 1000, body),
    }
    assert verify(body.encode(), headers, rotated, now=1010)["event"] == "analysis.complete"
    assert verify(body, headers, created.secret, now=1010)["event"] == "analysis.complete"
    with pytest.raises(WebhookVerificationError, match="too far"):
        verify(body, headers, rotated, now=1000 + 301)  # a replay, later
    with pytest.raises(WebhookVerificationError, match="no signature"):
        verify(body.replace("analysis", "x"), headers, rotated, now=1010)


def test_the_sync_client_with_an_api_key(sdk_stack: RunningStack) -> None:
    with Client(sdk_stack.base_url) as client:
        email = new_email()
        client.register(email, PASSWORD, "Ada")
        client.login(email, PASSWORD)
        key = client.create_api_key("ci").key
    with Client(sdk_stack.base_url, api_key=key) as programs:
        session = programs.create_session("By key")
        programs.upload(session.id, io.BytesIO(DIARY.encode()), filename="diary.txt")
        assert str(programs.wait_for_analysis(session.id).status) == "completed"
        assert [s.id for s in programs.sessions()] == [session.id]
        assert list(programs.emotions(session.id, name="anger"))
    with (
        Client(sdk_stack.base_url, api_key="ib_wrong") as wrong,
        pytest.raises(AuthenticationError, match="invalid or revoked API key"),
    ):
        wrong.create_session("x")
    with Client(sdk_stack.base_url) as anonymous, pytest.raises(AuthenticationError):
        anonymous.login(email, "wrong password")


def test_an_api_key_limited_to_other_networks_is_refused_here(sdk_stack: RunningStack) -> None:
    with Client(sdk_stack.base_url) as client:
        client.register(email := new_email(), PASSWORD, "Ada")
        client.login(email, PASSWORD)
        created = client.create_api_key("office", allowed_ips=["203.0.113.0/24"])
        assert created.allowed_ips == ["203.0.113.0/24"]
        with (
            Client(sdk_stack.base_url, api_key=created.key) as elsewhere,
            pytest.raises(PermissionDenied, match="allowed_ips"),
        ):
            elsewhere.create_session("from loopback")
        opened = client.update_api_key(created.id, allowed_ips=["127.0.0.1/32"])
        assert opened.allowed_ips == ["127.0.0.1/32"]
        with Client(sdk_stack.base_url, api_key=created.key) as here:
            assert here.create_session("from loopback").title == "from loopback"


def test_a_server_that_is_down_is_one_clear_error() -> None:
    policy = RetryPolicy(attempts=2, backoff_s=0.01)
    with (
        Client("http://127.0.0.1:9", retry=policy) as client,
        pytest.raises(ConnectionFailed, match="cannot reach the server"),
    ):
        client.get_session("x")


@pytest.fixture
def limited_stack(tmp_path: Path) -> AsyncIterator[RunningStack]:
    running = start_stack(tmp_path / "data", {**TEST_ENV, "INSIGHTBUS_RATE_LIMIT_PER_MINUTE": "4"})
    yield running  # type: ignore[misc]
    running.stop(signal.SIGKILL)


async def test_a_429_says_how_long_to_wait(limited_stack: RunningStack) -> None:
    # The stack's window is a minute: waiting it out would take one, so the client is told
    # to wait no longer than 0.5 s, and reports the server's Retry-After instead.
    policy = RetryPolicy(max_retry_after_s=0.5)
    async with AsyncClient(limited_stack.base_url, retry=policy) as client:
        email = new_email()
        await client.register(email, PASSWORD, "Ada")
        await client.login(email, PASSWORD)
        # A user's budget is their own (register and login counted against the IP).
        for n in range(4):
            await client.create_session(f"session {n}")
        with pytest.raises(RateLimited) as limited:
            await client.create_session("one too many")
    assert limited.value.status == 429
    assert limited.value.retry_after is not None and 1 <= limited.value.retry_after <= 60


def test_retries_honour_retry_after_and_repeat_only_safe_calls() -> None:
    # The transport is faked here (the edge): the stack's own 429s last a minute.
    seen: list[tuple[str, str | None]] = []
    answers = {"GET": [429, 503, 200], "POST": [503]}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.headers.get("idempotency-key")))
        status = answers[request.method].pop(0)
        headers = {"retry-after": "0"} if status == 429 else {}
        body: dict[str, Any] = (
            {"status": "success", "success": True, "data": {"session": _session()}}
            if status == 200
            else {"status": "error", "success": False, "error": f"status {status}"}
        )
        return httpx.Response(status, json=body, headers=headers)

    policy = RetryPolicy(backoff_s=0.001)
    with Client("http://x", api_key="k", retry=policy, transport=httpx.MockTransport(handler)) as c:
        assert c.get_session("s").id == "s"  # 429 then 503, then the answer
        from insightbus_client import ServerError

        with pytest.raises(ServerError):  # a POST without a key is sent once
            c.create_session("t")
    assert [m for m, _ in seen] == ["GET", "GET", "GET", "POST"]


def _session() -> dict[str, Any]:
    return {
        "id": "s",
        "title": "t",
        "description": "",
        "status": "created",
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
    }
