"""``AsyncClient``: the API for asyncio programs, with live events over the WebSocket."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from insightbus_client import _calls as calls
from insightbus_client._core import (
    USER_AGENT,
    Call,
    FileInput,
    RetryPolicy,
    Tokens,
    connection_failed,
    delay_before_retry,
    read_file,
    result,
    should_refresh,
    token_expired,
    websocket_url,
)
from insightbus_client._generated.models import (
    ActionItem,
    AnalysisStatusOut,
    ApiKeyOut,
    ContentAcceptedOut,
    CreatedApiKeyOut,
    DeliveryOut,
    EmotionOut,
    InsightOut,
    JourneyOut,
    SessionOut,
    SigningSecretOut,
    TicketJobAcceptedOut,
    TicketJobDetailOut,
    TicketJobOut,
    TokenPairOut,
    TopicOut,
    UserOut,
    WebhookCreated,
    WebhookOut,
)
from insightbus_client.errors import (
    AnalysisFailed,
    AuthenticationError,
    ConnectionFailed,
    InsightbusError,
    NotFound,
)
from insightbus_client.tickets import GeneratedTickets, signature_for

T = TypeVar("T")
Page = Callable[[int, int], Call[tuple[list[T], int]]]
#: Close codes of the session socket (see the README's "Sockets").
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
ENDED = ("completed", "failed")


class AsyncClient:
    """The insightbus API, async. Authenticate with ``api_key=``, with tokens, or by
    ``await client.login(email, password)``; access tokens are refreshed for you.

    ``async with AsyncClient("http://127.0.0.1:8000") as client: ...``"""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = Tokens(access_token, refresh_token, api_key)
        self.retry = retry or RetryPolicy()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )
        self._refreshing = asyncio.Lock()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- the transport: auth, refresh, retries ---------------------------------------------

    async def send(self, call: Call[T]) -> T:
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            sent_with = self.tokens.access_token
            try:
                response = await self._http.request(
                    call.method,
                    call.path,
                    params=call.params,
                    json=call.json,
                    files=call.files,
                    headers={**call.headers, **self.tokens.headers(call)},
                )
            except httpx.TransportError as exc:
                delay = delay_before_retry(call, self.retry, attempt, None, exc)
                if delay is None:
                    raise connection_failed(self.base_url, exc) from None
                await asyncio.sleep(delay)
                continue
            if not refreshed and should_refresh(response, self.tokens, call):
                refreshed = True
                await self._refresh(sent_with)
                attempt -= 1  # the retry after a refresh is not a failure's
                continue
            delay = delay_before_retry(call, self.retry, attempt, response, None)
            if delay is None:
                return result(call, response)
            await asyncio.sleep(delay)

    async def _refresh(self, expired: str | None) -> None:
        """Renew the access token once, however many calls found it expired: a refresh
        token works once (reusing a spent one revokes its family)."""
        async with self._refreshing:
            if self.tokens.access_token != expired:
                return  # another call renewed it meanwhile
            pair = await self.send(calls.refresh())
            self._keep(pair)

    def _keep(self, pair: TokenPairOut) -> None:
        self.tokens.access_token = pair.access_token
        self.tokens.refresh_token = pair.refresh_token

    async def _pages(self, page: Page[T], size: int) -> AsyncIterator[T]:
        offset = 0
        while True:
            items, total = await self.send(page(size, offset))
            for item in items:
                yield item
            offset += len(items)
            if not items or offset >= total:
                return

    # -- auth and credentials --------------------------------------------------------------

    async def register(self, email: str, password: str, name: str) -> UserOut:
        return await self.send(calls.register(email, password, name))

    async def login(self, email: str, password: str) -> TokenPairOut:
        """Log in; the client then sends the access token and renews it when it expires."""
        pair = await self.send(calls.login(email, password))
        self._keep(pair)
        return pair

    async def refresh(self) -> TokenPairOut:
        pair = await self.send(calls.refresh())
        self._keep(pair)
        return pair

    async def create_api_key(
        self, name: str, *, allowed_ips: Sequence[str] = ()
    ) -> CreatedApiKeyOut:
        """A new key (its ``key`` shown once); ``allowed_ips``: the networks (CIDRs) it may
        be used from, anywhere when empty."""
        return await self.send(calls.create_api_key(name, allowed_ips))

    async def update_api_key(
        self, key_id: str, *, name: str | None = None, allowed_ips: Sequence[str] | None = None
    ) -> ApiKeyOut:
        """Rename a key or change its networks (``[]``: anywhere again)."""
        return await self.send(calls.update_api_key(key_id, name, allowed_ips))

    async def api_keys(self) -> list[ApiKeyOut]:
        return await self.send(calls.list_api_keys())

    async def revoke_api_key(self, key_id: str) -> None:
        await self.send(calls.revoke_api_key(key_id))

    async def rotate_signing_secret(self) -> SigningSecretOut:
        return await self.send(calls.rotate_signing_secret())

    # -- sessions, uploads, results --------------------------------------------------------

    async def create_session(self, title: str, description: str | None = None) -> SessionOut:
        return await self.send(calls.create_session(title, description))

    async def get_session(self, session_id: str) -> SessionOut:
        return await self.send(calls.get_session(session_id))

    def sessions(self, *, page_size: int = 100) -> AsyncIterator[SessionOut]:
        return self._pages(calls.list_sessions, page_size)

    async def delete_session(self, session_id: str) -> None:
        await self.send(calls.delete_session(session_id))

    async def upload(
        self,
        session_id: str,
        file: FileInput,
        *,
        filename: str | None = None,
        idempotency_key: str | None = None,
    ) -> ContentAcceptedOut:
        """Upload content (a path, bytes or a binary file object; the name's extension says
        the format). Carries an idempotency key (one is made up), so retries are safe."""
        name, data = read_file(file, filename)
        return await self.send(calls.upload_content(session_id, name, data, idempotency_key))

    async def analysis_status(self, session_id: str) -> AnalysisStatusOut:
        return await self.send(calls.analysis_status(session_id))

    def emotions(
        self,
        session_id: str,
        *,
        name: str | None = None,
        min_intensity: float | None = None,
        page_size: int = 500,
    ) -> AsyncIterator[EmotionOut]:
        def page(limit: int, offset: int) -> Call[tuple[list[EmotionOut], int]]:
            return calls.emotions(session_id, limit, offset, name, min_intensity)

        return self._pages(page, page_size)

    def topics(self, session_id: str, *, page_size: int = 500) -> AsyncIterator[TopicOut]:
        return self._pages(lambda lim, off: calls.topics(session_id, lim, off), page_size)

    def insights(self, session_id: str, *, page_size: int = 500) -> AsyncIterator[InsightOut]:
        return self._pages(lambda lim, off: calls.insights(session_id, lim, off), page_size)

    def action_items(self, session_id: str, *, page_size: int = 100) -> AsyncIterator[ActionItem]:
        return self._pages(lambda lim, off: calls.action_items(session_id, lim, off), page_size)

    async def journey(self, sessions: int = 20) -> JourneyOut:
        return await self.send(calls.journey(sessions))

    # -- live events -----------------------------------------------------------------------

    async def _socket_token(self) -> str:
        if self.tokens.access_token is None:
            raise AuthenticationError(
                "live events need an access token (log in): the socket takes no API key"
            )
        if token_expired(self.tokens.access_token) and self.tokens.refresh_token:
            await self._refresh(self.tokens.access_token)
        assert self.tokens.access_token is not None
        return self.tokens.access_token

    async def events(
        self, session_id: str, *, last_event_id: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """A session's live messages (``{"type", "id", "data"}``), from after
        ``last_event_id`` (None: from the session's first). A dropped socket is reopened
        with the last id seen, so each message comes once and none is lost. Runs until
        the caller stops iterating."""
        seen: set[str] = set()
        last = last_event_id
        failures = 0
        path = f"/api/v1/sessions/{session_id}/events"
        while True:
            token = await self._socket_token()
            query = f"?{urlencode({'last_event_id': last})}" if last else ""
            url = websocket_url(self.base_url, path) + query
            try:
                async with websockets.connect(
                    url,
                    additional_headers={"Authorization": f"Bearer {token}"},
                    user_agent_header=USER_AGENT,
                    open_timeout=10,
                ) as socket:
                    async for raw in socket:
                        failures = 0
                        message = json.loads(raw)
                        event_id = message.get("id")
                        if event_id is None:
                            continue  # pong, error: the socket's own talk
                        if event_id in seen:
                            continue
                        seen.add(event_id)
                        last = event_id
                        yield message
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else None
                if code == CLOSE_NOT_FOUND:
                    raise NotFound("session not found", status=404) from None
                if code == CLOSE_UNAUTHENTICATED:
                    if token_expired(token) and self.tokens.refresh_token:
                        continue  # renewed by _socket_token on the way round
                    reason = exc.rcvd.reason if exc.rcvd else "unauthenticated"
                    raise AuthenticationError(reason, status=401) from None
            except (OSError, InvalidHandshake, TimeoutError) as exc:
                if isinstance(exc, InvalidStatus) and exc.response.status_code == 404:
                    raise NotFound("no live events here (is this the gateway?)") from None
                failures += 1
                if failures >= self.retry.attempts:
                    raise ConnectionFailed(
                        f"cannot reach the live events at {self.base_url}: {exc}"
                    ) from None
            await asyncio.sleep(self.retry.backoff(max(failures, 1)))

    async def follow_analysis(
        self, session_id: str, content_id: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """The messages of one upload's analysis (``content_id``; None: the session's
        latest), up to and including ``analysis_complete``; ``AnalysisFailed`` if it fails."""
        if content_id is None:
            status = await self.analysis_status(session_id)
            content_id = status.content_id
        async for message in self.events(session_id):
            data = message.get("data") or {}
            if content_id is not None and data.get("content_id") not in (content_id, None):
                continue
            yield message
            if message["type"] == "analysis_complete":
                return
            if message["type"] == "analysis_failed":
                raise AnalysisFailed(str(data.get("reason", "the analysis failed")))

    async def wait_for_analysis(
        self,
        session_id: str,
        content_id: str | None = None,
        *,
        on_message: Callable[[dict[str, Any]], None] | None = None,
    ) -> AnalysisStatusOut:
        """Follow the analysis live to its end; its final status."""
        async for message in self.follow_analysis(session_id, content_id):
            if on_message is not None:
                on_message(message)
        return await self.analysis_status(session_id)

    # -- ticket files ----------------------------------------------------------------------

    async def generate_tickets(self, count: int) -> GeneratedTickets:
        """A signed demo file of ``count`` tickets (signed with your secret: upload as is)."""
        return GeneratedTickets.of(await self.send(calls.generate_tickets(count)))

    async def upload_tickets(
        self,
        file: FileInput,
        *,
        signing_secret: str | None = None,
        file_name: str | None = None,
        callback_url: str | None = None,
        idempotency_key: str | None = None,
    ) -> TicketJobAcceptedOut:
        """Sign (with ``signing_secret``; without one, a generated file's own signature) and
        upload a ticket CSV; the job's id is the answer's ``session_id``."""
        name, raw = read_file(file, None)
        # A file's own name, unless it is bytes (then the server names it).
        file_name = file_name or (None if isinstance(file, bytes) else name)
        signed = signature_for(raw, signing_secret)
        call = calls.upload_tickets(raw, signed, file_name, callback_url, idempotency_key)
        return await self.send(call)

    async def ticket_job(self, session_id: str) -> TicketJobDetailOut:
        return await self.send(calls.ticket_job(session_id))

    def ticket_jobs(self, *, page_size: int = 100) -> AsyncIterator[TicketJobOut]:
        return self._pages(calls.ticket_jobs, page_size)

    async def wait_for_ticket_job(
        self,
        session_id: str,
        *,
        timeout: float = 600.0,  # noqa: ASYNC109 - polls; a deadline of its own
        poll_s: float = 0.25,
        on_progress: Callable[[TicketJobDetailOut], Awaitable[None] | None] | None = None,
    ) -> TicketJobDetailOut:
        """The job once it has ended (``status`` completed or failed)."""
        deadline = time.monotonic() + timeout
        while True:
            job = await self.ticket_job(session_id)
            if on_progress is not None:
                maybe = on_progress(job)
                if maybe is not None:
                    await maybe
            if job.status.value in ENDED:
                return job
            if time.monotonic() > deadline:
                raise InsightbusError(f"the ticket job {session_id} did not end in {timeout:g} s")
            await asyncio.sleep(poll_s)

    # -- webhooks --------------------------------------------------------------------------

    async def create_webhook(
        self, url: str, events: Sequence[str], description: str = ""
    ) -> WebhookCreated:
        """A new endpoint; the answer's ``secret`` (shown once) verifies its deliveries."""
        return await self.send(calls.create_webhook(url, events, description))

    def webhooks(self, *, page_size: int = 100) -> AsyncIterator[WebhookOut]:
        return self._pages(calls.list_webhooks, page_size)

    async def get_webhook(self, webhook_id: str) -> WebhookOut:
        return await self.send(calls.get_webhook(webhook_id))

    async def update_webhook(self, webhook_id: str, **changes: Any) -> WebhookOut:
        return await self.send(calls.update_webhook(webhook_id, changes))

    async def delete_webhook(self, webhook_id: str) -> None:
        await self.send(calls.delete_webhook(webhook_id))

    async def rotate_webhook_secret(self, webhook_id: str) -> str:
        return await self.send(calls.rotate_webhook_secret(webhook_id))

    def deliveries(self, webhook_id: str, *, page_size: int = 100) -> AsyncIterator[DeliveryOut]:
        return self._pages(lambda lim, off: calls.deliveries(webhook_id, lim, off), page_size)
