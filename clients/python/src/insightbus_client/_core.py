"""What the sync and the async client share: how a call is described, when it may be
retried and after how long, what a response means, and the tokens a client holds. No I/O:
each client runs ``Call``s on its own transport."""

from __future__ import annotations

import base64
import json
import os
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

import httpx

from insightbus_client.errors import ConnectionFailed, InsightbusError, error_for

T = TypeVar("T")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
USER_AGENT = "insightbus-client/0.1"

#: What an upload may be: a path, the bytes themselves, or a binary file object.
FileInput = str | os.PathLike[str] | bytes | IO[bytes]


@dataclass(frozen=True)
class Call(Generic[T]):
    """One API call: the request, whether repeating it is safe, and how to read its data."""

    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, Any] | None = None
    json: Any = None
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    authenticated: bool = True
    #: Sent with the refresh token instead of the access token.
    refresh: bool = False

    @property
    def idempotent(self) -> bool:
        """Safe to send again: the method says so, or an idempotency key makes it so."""
        return self.method in IDEMPOTENT_METHODS or "Idempotency-Key" in self.headers


@dataclass(frozen=True)
class RetryPolicy:
    """Idempotent calls are retried on connection errors and 5xx, with exponential backoff
    and jitter; every call is retried on 429 after its ``Retry-After`` (a 429 was not
    processed), unless the server asks for longer than ``max_retry_after_s``. A call that is
    not idempotent is only retried when it never reached the server (the connection was
    refused)."""

    attempts: int = 4
    backoff_s: float = 0.25
    max_backoff_s: float = 8.0
    max_retry_after_s: float = 60.0

    def backoff(self, attempt: int) -> float:
        delay = min(self.max_backoff_s, self.backoff_s * 2 ** (attempt - 1))
        jitter: float = random.random()  # jitter, not secrets
        return float(delay * (0.5 + jitter / 2))


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def delay_before_retry(
    call: Call[Any],
    policy: RetryPolicy,
    attempt: int,
    response: httpx.Response | None,
    error: Exception | None,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``; None: do not retry."""
    if attempt >= policy.attempts:
        return None
    if error is not None:
        never_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
        if call.idempotent or never_sent:
            return policy.backoff(attempt)
        return None
    assert response is not None
    if response.status_code == 429:
        wait = retry_after(response)
        wait = policy.backoff(attempt) if wait is None else wait
        return wait if wait <= policy.max_retry_after_s else None
    if response.status_code in RETRY_STATUSES and call.idempotent:
        wait = retry_after(response)
        return policy.backoff(attempt) if wait is None else min(wait, policy.max_backoff_s)
    return None


def connection_failed(base_url: str, error: Exception) -> ConnectionFailed:
    reason = str(error) or type(error).__name__
    return ConnectionFailed(f"cannot reach the server at {base_url}: {reason}")


def body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def result(call: Call[T], response: httpx.Response) -> T:
    """The call's parsed data, or the exception its error response means."""
    body = body_of(response)
    if response.is_success:
        data = body.get("data") if isinstance(body, dict) and "data" in body else body
        return call.parse(data)
    raise error_for(response.status_code, body, retry_after(response))


def token_expired(token: str | None, skew_s: float = 5.0) -> bool:
    """Whether a JWT's ``exp`` has passed (read without verifying: only the server can)."""
    if not token:
        return False
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"]) <= time.time() + skew_s
    except (IndexError, KeyError, TypeError, ValueError):
        return False


def should_refresh(response: httpx.Response, tokens: Tokens, call: Call[Any]) -> bool:
    """A 401 for an access token that has expired, when a refresh token can renew it."""
    if response.status_code != 401 or call.refresh or not call.authenticated:
        return False
    if tokens.refresh_token is None or tokens.access_token is None:
        return False
    body = body_of(response)
    message = body.get("error", "") if isinstance(body, dict) else ""
    return "expired" in str(message) or token_expired(tokens.access_token)


@dataclass
class Tokens:
    """The credentials a client sends: an access token (and the refresh token that renews
    it), or an API key."""

    access_token: str | None = None
    refresh_token: str | None = None
    api_key: str | None = None

    def headers(self, call: Call[Any]) -> dict[str, str]:
        if not call.authenticated:
            return {}
        if call.refresh:
            return {"Authorization": f"Bearer {self.refresh_token}"} if self.refresh_token else {}
        if self.access_token:
            return {"Authorization": f"Bearer {self.access_token}"}
        if self.api_key:
            return {"X-API-Key": self.api_key}
        return {}


def read_file(file: FileInput, filename: str | None) -> tuple[str, bytes]:
    """An upload's name and bytes, read once (so that a retry sends the same)."""
    if isinstance(file, bytes):
        return filename or "upload.txt", file
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        try:
            return filename or path.name, path.read_bytes()
        except OSError as exc:
            raise InsightbusError(f"cannot read {path}: {exc.strerror or exc}") from None
    data = file.read()
    name = filename or Path(str(getattr(file, "name", "upload.txt"))).name
    return name, data


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def websocket_url(base_url: str, path: str) -> str:
    if base_url.startswith("https://"):
        return "wss://" + base_url.removeprefix("https://").rstrip("/") + path
    return "ws://" + base_url.removeprefix("http://").rstrip("/") + path
