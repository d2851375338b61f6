"""Ticket files: the signing scheme the gateway's README documents, from the client's side,
and the classified CSV a finished job gives."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from insightbus_client._generated.models import TicketJobDetailOut
from insightbus_client.errors import InsightbusError

# The gateway's rules (domain/tickets/signature.py), so both cut the same body.
_COMMENT = re.compile(rb"#[^\n]*(?:\n|$)")
_FIELD = re.compile(r"#\s*([A-Za-z0-9-]+)\s*:\s*(.*?)\s*$")

CLASSIFIED_COLUMNS = (
    "issue_key",
    "summary",
    "category",
    "priority",
    "urgency",
    "impact",
    "sentiment",
    "confidence_score",
    "sla_due_date",
    "unclassified_reason",
)


@dataclass(frozen=True)
class Signature:
    """The three headers that sign one upload of a file."""

    signature: str
    nonce: str
    timestamp: str

    def headers(self) -> dict[str, str]:
        return {"X-Signature": self.signature, "X-Nonce": self.nonce, "X-Timestamp": self.timestamp}


def split_comments(raw: bytes) -> tuple[dict[str, str], bytes]:
    """The ``# X-Name: value`` fields of the leading comment lines, and the signed body (the
    file without those lines, each with its line ending)."""
    fields: dict[str, str] = {}
    at = 0
    while at < len(raw) and (match := _COMMENT.match(raw, at)):
        line = match.group(0).decode("utf-8", "replace").rstrip("\r\n")
        if found := _FIELD.match(line):
            fields[found.group(1).lower()] = found.group(2)
        at = match.end()
    return fields, raw[at:]


def sign(
    raw: bytes, secret: str, *, timestamp: int | None = None, nonce: str | None = None
) -> Signature:
    """Sign ``raw`` (a ticket CSV) with your signing secret, as the README says:
    ``hex(HMAC-SHA256(secret, "<timestamp>.<nonce>." + body))``, ``body`` the file without
    its leading comment lines."""
    _, body = split_comments(raw)
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(24)
    message = f"{ts}.{nonce}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return Signature(digest, nonce, ts)


def embedded_signature(raw: bytes) -> Signature | None:
    """The signature a file from ``/api/csv/generate`` carries in its comment lines."""
    fields, _ = split_comments(raw)
    try:
        return Signature(fields["x-signature"], fields["x-nonce"], fields["x-timestamp"])
    except KeyError:
        return None


def signature_for(raw: bytes, secret: str | None) -> Signature:
    """Signed with ``secret``; without one, the file's own signature (a generated file)."""
    if secret is not None:
        return sign(raw, secret)
    embedded = embedded_signature(raw)
    if embedded is None:
        raise InsightbusError(
            "the file is not signed: give signing_secret (POST /api/v1/signing-secret makes one)"
        )
    return embedded


def classified_csv(job: TicketJobDetailOut | Mapping[str, Any]) -> bytes:
    """A completed job as CSV: one row per ticket, classified or (with its reason) not, in
    the file's order."""
    if isinstance(job, TicketJobDetailOut):
        job = job.to_dict()
    rows: list[tuple[int, dict[str, Any]]] = []
    for ticket in job.get("tickets") or ():
        rows.append((int(ticket.get("row", 0)), dict(ticket)))
    for ticket in job.get("unclassified") or ():
        entry = {"issue_key": ticket["issue_key"], "unclassified_reason": ticket.get("reason")}
        rows.append((int(ticket.get("row", 0)), entry))
    rows.sort(key=lambda r: r[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, CLASSIFIED_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for _, row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


@dataclass(frozen=True)
class GeneratedTickets:
    """A demo file from ``/api/csv/generate``: its bytes (signed comment lines and all)."""

    content: bytes
    session_id: str
    file_name: str
    row_count: int

    @classmethod
    def of(cls, generated: Any) -> GeneratedTickets:
        import base64

        return cls(
            base64.b64decode(generated.csv_content),
            generated.session_id,
            generated.file_name,
            generated.row_count,
        )
