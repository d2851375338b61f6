"""How a ticket CSV is signed, so that clients can sign their own files.

    message   = f"{X-Timestamp}.{X-Nonce}.".encode() + body
    signature = hex(HMAC-SHA256(key=signing_secret.encode(), msg=message))   -> X-Signature

``body`` is the CSV's bytes without its leading comment lines: every line before the
header row that starts with ``#``, each with its line ending, is left out, and the rest is
signed byte for byte. ``X-Timestamp`` is Unix time in whole seconds and must be within
five minutes of the server's clock; ``X-Nonce`` is 16-128 characters of ``[A-Za-z0-9_-]``
and works once. ``X-Signature`` may carry a ``sha256=`` prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")
_COMMENT = re.compile(rb"#[^\n]*(?:\n|$)")
_FIELD = re.compile(r"#\s*([A-Za-z0-9-]+)\s*:\s*(.*?)\s*$")


def message(timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{timestamp}.{nonce}.".encode() + body


def sign(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret.encode(), message(timestamp, nonce, body), hashlib.sha256).hexdigest()


def matches(
    signature: str, secrets: Iterable[str], timestamp: str, nonce: str, body: bytes
) -> bool:
    given = signature.strip().removeprefix("sha256=").lower()
    # Every candidate is compared (in constant time), so timing says nothing about which.
    results = [hmac.compare_digest(given, sign(s, timestamp, nonce, body)) for s in secrets]
    return any(results)


def split_comments(raw: bytes) -> tuple[dict[str, str], bytes]:
    """The leading ``# Name: value`` lines as a dict, and the signed body after them."""
    fields: dict[str, str] = {}
    position = 0
    while found := _COMMENT.match(raw, position):
        line = found.group(0).decode("utf-8", errors="replace").rstrip("\r\n")
        if field := _FIELD.match(line):
            fields[field.group(1).lower()] = field.group(2)
        position = found.end()
    return fields, raw[position:]
