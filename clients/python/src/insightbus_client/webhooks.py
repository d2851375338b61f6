"""Verifying the webhooks we send, for receivers: Standard Webhooks signatures
(https://www.standardwebhooks.com/), the scheme the notifier signs with."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from insightbus_client.errors import WebhookVerificationError

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
DEFAULT_TOLERANCE_S = 300


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookVerificationError(f"the {name} header is missing")


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """``v1,`` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), the key the base64
    after ``whsec_``."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("the secret is not a whsec_ secret") from None
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify(
    body: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> dict[str, Any]:
    """The webhook's payload (``{"event", "data", "timestamp"}``) once its signature checks
    out with ``secret`` and its ``webhook-timestamp`` is within ``tolerance_s`` of ``now``
    (replays of an old delivery fail); raises ``WebhookVerificationError`` otherwise.
    ``body``: the raw bytes received, before any JSON parsing. Deduplicate on
    ``webhook-id``: delivery is at least once."""
    raw = body.encode() if isinstance(body, str) else body
    webhook_id = _header(headers, "webhook-id")
    stamp = _header(headers, "webhook-timestamp")
    offered = _header(headers, "webhook-signature").split()
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not Unix seconds") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        raise WebhookVerificationError("webhook-timestamp is too far from now (a replay?)")
    expected = signature(secret, webhook_id, timestamp, raw)
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise WebhookVerificationError("no signature matches the body")
    try:
        payload: dict[str, Any] = json.loads(raw)
    except ValueError:
        raise WebhookVerificationError("the body is not JSON") from None
    return payload
