"""Domain errors: what a use case answers when it refuses, in its own words.

Use cases and projectors raise these and never an HTTP error; each entrypoint maps the kind
to its protocol (``insightbus.common.web.errors`` to status codes, the sockets to close
codes). A service subclasses them for its own refusals (``class NonceReused(Conflict)``).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal a client can act on. ``details`` travels to the client as is."""

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(DomainError):
    """The request cannot be read at all (400)."""


class Unauthenticated(DomainError):
    """No valid credentials (401)."""

    def __init__(self, message: str = "authentication required", details: Any = None) -> None:
        super().__init__(message, details)


class Forbidden(DomainError):
    """Valid credentials, but not for this (403)."""


class NotFound(DomainError):
    """No such thing, or not the caller's: both answer the same, so ids cannot be probed (404)."""

    def __init__(self, what: str = "resource", details: Any = None) -> None:
        super().__init__(f"{what} not found", details)


class Conflict(DomainError):
    """The change contradicts the current state (409)."""


class TooLarge(DomainError):
    """Over a size or count limit (413)."""


class Unsupported(DomainError):
    """A format or media type the service does not take (415)."""


class Invalid(DomainError):
    """Readable, but not acceptable: a field, a row, a URL (422)."""


class Unavailable(DomainError):
    """Nothing was accepted, for a reason on our side that passes: try again (503)."""
