"""The insightbus SDK: ``Client`` (sync) and ``AsyncClient`` (async, with live events) for the
gateway API; ``webhooks.verify`` for receivers of our webhooks; ``tickets.sign`` for ticket
files. Responses are the typed models generated from the OpenAPI document
(``insightbus_client.models``)."""

from insightbus_client._async import AsyncClient
from insightbus_client._core import RetryPolicy
from insightbus_client._sync import Client
from insightbus_client.errors import (
    AnalysisFailed,
    AuthenticationError,
    Conflict,
    ConnectionFailed,
    InsightbusError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    TooLarge,
    Unsupported,
    ValidationFailed,
    WebhookVerificationError,
)
from insightbus_client.tickets import GeneratedTickets, classified_csv, sign
from insightbus_client.webhooks import verify

__all__ = [
    "AnalysisFailed",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "Conflict",
    "ConnectionFailed",
    "GeneratedTickets",
    "InsightbusError",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "TooLarge",
    "Unsupported",
    "ValidationFailed",
    "WebhookVerificationError",
    "classified_csv",
    "sign",
    "verify",
]
