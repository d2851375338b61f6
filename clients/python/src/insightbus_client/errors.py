"""What the SDK raises: one ``InsightbusError`` per failed call, with the error envelope's
message and details, and a subclass per kind of failure."""

from __future__ import annotations

from typing import Any

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    415: "unsupported",
    422: "invalid",
    429: "rate_limited",
}


class InsightbusError(Exception):
    """A call that failed. ``status``: the HTTP status (None when the server could not be
    reached); ``code``: a short name for it (``not_found``, ``rate_limited``...); ``message``:
    the server's own words (the envelope's ``error``); ``details``: the envelope's details."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code or code_of(status)
        self.details = details

    def __str__(self) -> str:
        return self.message if self.status is None else f"{self.message} (HTTP {self.status})"


class ConnectionFailed(InsightbusError):
    """The server could not be reached (refused, timed out, dropped), after the retries."""


class AuthenticationError(InsightbusError):
    """401: missing, wrong or expired credentials (a wrong password, a revoked key...)."""


class PermissionDenied(InsightbusError):
    """403."""


class NotFound(InsightbusError):
    """404 (another user's resource is as missing as none)."""


class Conflict(InsightbusError):
    """409: e.g. an upload nonce used before, an idempotency key still in progress."""


class TooLarge(InsightbusError):
    """413."""


class Unsupported(InsightbusError):
    """415: a file format the server does not read."""


class ValidationFailed(InsightbusError):
    """422: ``details`` says what and where."""


class RateLimited(InsightbusError):
    """429 beyond the retries; ``retry_after``: the seconds the server asked to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(InsightbusError):
    """5xx after the retries (or at once, for a call that is not safe to repeat)."""


class AnalysisFailed(InsightbusError):
    """The analysis of an upload ended in failure (``message`` says why)."""


class WebhookVerificationError(InsightbusError):
    """A webhook whose signature or timestamp does not verify: do not trust its body."""


_KINDS: dict[int, type[InsightbusError]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    413: TooLarge,
    415: Unsupported,
    422: ValidationFailed,
    429: RateLimited,
}


def code_of(status: int | None) -> str:
    if status is None:
        return "connection_failed"
    if status >= 500:
        return "server_error"
    return _CODES.get(status, "error")


def error_for(status: int, body: Any, retry_after: float | None = None) -> InsightbusError:
    """The exception for an error response (its envelope, if it has one)."""
    message, details = f"HTTP {status}", None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        message, details = body["error"], body.get("details")
    kind = ServerError if status >= 500 else _KINDS.get(status, InsightbusError)
    if kind is RateLimited:
        return RateLimited(message, status=status, details=details, retry_after=retry_after)
    return kind(message, status=status, details=details)
