"""``Client``: the API for synchronous programs (``AsyncClient`` adds live events)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import httpx

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
from insightbus_client.errors import AnalysisFailed, InsightbusError
from insightbus_client.tickets import GeneratedTickets, signature_for

T = TypeVar("T")
Page = Callable[[int, int], Call[tuple[list[T], int]]]
ENDED = ("completed", "failed")


class Client:
    """The insightbus API. Authenticate with ``api_key=``, with tokens, or by
    ``client.login(email, password)``; access tokens are refreshed for you. Safe to share
    between threads.

    ``with Client("http://127.0.0.1:8000") as client: ...``"""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = Tokens(access_token, refresh_token, api_key)
        self.retry = retry or RetryPolicy()
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )
        self._refreshing = threading.Lock()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- the transport: auth, refresh, retries ---------------------------------------------

    def send(self, call: Call[T]) -> T:
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            sent_with = self.tokens.access_token
            try:
                response = self._http.request(
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
                time.sleep(delay)
                continue
            if not refreshed and should_refresh(response, self.tokens, call):
                refreshed = True
                self._refresh(sent_with)
                attempt -= 1  # the retry after a refresh is not a failure's
                continue
            delay = delay_before_retry(call, self.retry, attempt, response, None)
            if delay is None:
                return result(call, response)
            time.sleep(delay)

    def _refresh(self, expired: str | None) -> None:
        """Renew the access token once, however many calls found it expired: a refresh
        token works once (reusing a spent one revokes its family)."""
        with self._refreshing:
            if self.tokens.access_token != expired:
                return  # another call renewed it meanwhile
            pair = self.send(calls.refresh())
            self._keep(pair)

    def _keep(self, pair: TokenPairOut) -> None:
        self.tokens.access_token = pair.access_token
        self.tokens.refresh_token = pair.refresh_token

    def _pages(self, page: Page[T], size: int) -> Iterator[T]:
        offset = 0
        while True:
            items, total = self.send(page(size, offset))
            yield from items
            offset += len(items)
            if not items or offset >= total:
                return

    # -- auth and credentials --------------------------------------------------------------

    def register(self, email: str, password: str, name: str) -> UserOut:
        return self.send(calls.register(email, password, name))

    def login(self, email: str, password: str) -> TokenPairOut:
        """Log in; the client then sends the access token and renews it when it expires."""
        pair = self.send(calls.login(email, password))
        self._keep(pair)
        return pair

    def refresh(self) -> TokenPairOut:
        pair = self.send(calls.refresh())
        self._keep(pair)
        return pair

    def create_api_key(self, name: str, *, allowed_ips: Sequence[str] = ()) -> CreatedApiKeyOut:
        """A new key (its ``key`` shown once); ``allowed_ips``: the networks (CIDRs) it may
        be used from, anywhere when empty."""
        return self.send(calls.create_api_key(name, allowed_ips))

    def update_api_key(
        self, key_id: str, *, name: str | None = None, allowed_ips: Sequence[str] | None = None
    ) -> ApiKeyOut:
        """Rename a key or change its networks (``[]``: anywhere again)."""
        return self.send(calls.update_api_key(key_id, name, allowed_ips))

    def api_keys(self) -> list[ApiKeyOut]:
        return self.send(calls.list_api_keys())

    def revoke_api_key(self, key_id: str) -> None:
        self.send(calls.revoke_api_key(key_id))

    def rotate_signing_secret(self) -> SigningSecretOut:
        return self.send(calls.rotate_signing_secret())

    # -- sessions, uploads, results --------------------------------------------------------

    def create_session(self, title: str, description: str | None = None) -> SessionOut:
        return self.send(calls.create_session(title, description))

    def get_session(self, session_id: str) -> SessionOut:
        return self.send(calls.get_session(session_id))

    def sessions(self, *, page_size: int = 100) -> Iterator[SessionOut]:
        return self._pages(calls.list_sessions, page_size)

    def delete_session(self, session_id: str) -> None:
        self.send(calls.delete_session(session_id))

    def upload(
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
        return self.send(calls.upload_content(session_id, name, data, idempotency_key))

    def analysis_status(self, session_id: str) -> AnalysisStatusOut:
        return self.send(calls.analysis_status(session_id))

    def emotions(
        self,
        session_id: str,
        *,
        name: str | None = None,
        min_intensity: float | None = None,
        page_size: int = 500,
    ) -> Iterator[EmotionOut]:
        def page(limit: int, offset: int) -> Call[tuple[list[EmotionOut], int]]:
            return calls.emotions(session_id, limit, offset, name, min_intensity)

        return self._pages(page, page_size)

    def topics(self, session_id: str, *, page_size: int = 500) -> Iterator[TopicOut]:
        return self._pages(lambda lim, off: calls.topics(session_id, lim, off), page_size)

    def insights(self, session_id: str, *, page_size: int = 500) -> Iterator[InsightOut]:
        return self._pages(lambda lim, off: calls.insights(session_id, lim, off), page_size)

    def action_items(self, session_id: str, *, page_size: int = 100) -> Iterator[ActionItem]:
        return self._pages(lambda lim, off: calls.action_items(session_id, lim, off), page_size)

    def journey(self, sessions: int = 20) -> JourneyOut:
        return self.send(calls.journey(sessions))

    # -- waiting for the analysis ---------------------------------------------------------

    def wait_for_analysis(
        self,
        session_id: str,
        *,
        timeout: float = 600.0,
        poll_s: float = 0.25,
        on_status: Callable[[AnalysisStatusOut], None] | None = None,
    ) -> AnalysisStatusOut:
        """Poll the analysis status until it has ended; ``AnalysisFailed`` if it failed.
        (``AsyncClient.follow_analysis`` follows it live, message by message.)"""
        deadline = time.monotonic() + timeout
        while True:
            status = self.analysis_status(session_id)
            if on_status is not None:
                on_status(status)
            if str(status.status) == "failed":
                raise AnalysisFailed(status.error or "the analysis failed")
            if str(status.status) == "completed":
                return status
            if time.monotonic() > deadline:
                raise InsightbusError(f"the analysis did not end in {timeout:g} s")
            time.sleep(poll_s)

    # -- ticket files ----------------------------------------------------------------------

    def generate_tickets(self, count: int) -> GeneratedTickets:
        """A signed demo file of ``count`` tickets (signed with your secret: upload as is)."""
        return GeneratedTickets.of(self.send(calls.generate_tickets(count)))

    def upload_tickets(
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
        return self.send(call)

    def ticket_job(self, session_id: str) -> TicketJobDetailOut:
        return self.send(calls.ticket_job(session_id))

    def ticket_jobs(self, *, page_size: int = 100) -> Iterator[TicketJobOut]:
        return self._pages(calls.ticket_jobs, page_size)

    def wait_for_ticket_job(
        self,
        session_id: str,
        *,
        timeout: float = 600.0,
        poll_s: float = 0.25,
        on_progress: Callable[[TicketJobDetailOut], None] | None = None,
    ) -> TicketJobDetailOut:
        """The job once it has ended (``status`` completed or failed)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.ticket_job(session_id)
            if on_progress is not None:
                on_progress(job)
            if job.status.value in ENDED:
                return job
            if time.monotonic() > deadline:
                raise InsightbusError(f"the ticket job {session_id} did not end in {timeout:g} s")
            time.sleep(poll_s)

    # -- webhooks --------------------------------------------------------------------------

    def create_webhook(
        self, url: str, events: Sequence[str], description: str = ""
    ) -> WebhookCreated:
        """A new endpoint; the answer's ``secret`` (shown once) verifies its deliveries."""
        return self.send(calls.create_webhook(url, events, description))

    def webhooks(self, *, page_size: int = 100) -> Iterator[WebhookOut]:
        return self._pages(calls.list_webhooks, page_size)

    def get_webhook(self, webhook_id: str) -> WebhookOut:
        return self.send(calls.get_webhook(webhook_id))

    def update_webhook(self, webhook_id: str, **changes: Any) -> WebhookOut:
        return self.send(calls.update_webhook(webhook_id, changes))

    def delete_webhook(self, webhook_id: str) -> None:
        self.send(calls.delete_webhook(webhook_id))

    def rotate_webhook_secret(self, webhook_id: str) -> str:
        return self.send(calls.rotate_webhook_secret(webhook_id))

    def deliveries(self, webhook_id: str, *, page_size: int = 100) -> Iterator[DeliveryOut]:
        return self._pages(lambda lim, off: calls.deliveries(webhook_id, lim, off), page_size)
