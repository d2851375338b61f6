"""Standard Webhooks signatures (https://www.standardwebhooks.com/). Pure.

A secret is ``whsec_`` + base64 of random bytes; the HMAC key is those bytes. Each
signature is ``v1,`` + base64(HMAC-SHA256(key, f"{webhook_id}.{timestamp}.{body}")), and
``webhook-signature`` lists one per secret that currently signs, space-separated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32  # the spec asks for 24 to 64


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_header(keys: Sequence[str], webhook_id: str, timestamp: int, body: str) -> str:
    return " ".join(signature(k, webhook_id, timestamp, body) for k in keys)


def rotated(current: str | None, now: float, overlap_s: float) -> dict[str, Any]:
    """Fields of a key holder after a rotation: a new secret, and the current one kept
    signing for ``overlap_s`` so receivers can switch without losing a delivery."""
    keep = current is not None and overlap_s > 0
    return {
        "secret": new_secret(),
        "previous_secret": current if keep else None,
        "previous_secret_until": now + overlap_s if keep else None,
    }


def signing_keys(holder: Mapping[str, Any], now: float) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    keys = [str(holder["secret"])]
    previous = holder.get("previous_secret")
    if previous and (holder.get("previous_secret_until") or 0) > now:
        keys.append(str(previous))
    return keys
