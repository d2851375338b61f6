"""Ticket classification jobs, from the gateway's side: demo files, signed uploads that
become ``tickets.submitted`` events, and the job's status as the classifier reports it.

An upload is checked in the order that tells a client the most without telling an
impostor anything: the signature first (401), then the file (422, 413), then the nonce,
which is spent only by an upload that is accepted, so fixing a rejected file and sending
it again with the same nonce works, while a replay of an accepted one gets 409.
"""

from __future__ import annotations

import base64
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import status

from insightbus.common.events import new_id, utcnow
from insightbus.common.events.tickets import TicketsSubmitted
from insightbus.common.outbox import Outbox
from insightbus.common.store import Collection, DuplicateKey
from insightbus.common.urls import UnsafeUrl, check_url_syntax, ensure_public
from insightbus.common.web import ApiError, not_found, unauthorized
from insightbus.gateway.credentials.service import Credentials
from insightbus.gateway.pagination import PageParams
from insightbus.gateway.tickets import signature
from insightbus.gateway.tickets.csv_format import parse_tickets
from insightbus.gateway.tickets.generator import generate_csv

log = logging.getLogger(__name__)

_SESSION_ID = re.compile(r"[0-9a-f]{32}")
_ENVELOPE_OVERHEAD_BYTES = 4096
OPEN = ("pending", "processing")


@dataclass(frozen=True, slots=True)
class SignedRequest:
    signature: str | None
    nonce: str | None
    timestamp: str | None


@dataclass(frozen=True, slots=True)
class Limits:
    max_rows: int
    max_event_bytes: int
    tolerance_s: int
    allowed_hosts: tuple[str, ...]


class TicketService:
    def __init__(
        self,
        jobs: Collection,
        nonces: Collection,
        credentials: Credentials,
        outbox: Outbox,
        limits: Limits,
    ) -> None:
        self._jobs = jobs
        self._nonces = nonces
        self._credentials = credentials
        self._outbox = outbox
        self._limits = limits

    async def generate(self, user_id: str, count: int) -> dict[str, Any]:
        """A demo file signed with the user's secret, ready to upload as it is."""
        now = utcnow()
        body = generate_csv(count, now)
        session_id = new_id()
        timestamp = str(int(now.timestamp()))
        nonce = secrets.token_urlsafe(24)
        secret = await self._credentials.signing_secret(user_id)
        lines = (
            f"# X-Session-Id: {session_id}\n"
            f"# X-Signature: {signature.sign(secret, timestamp, nonce, body)}\n"
            f"# X-Nonce: {nonce}\n"
            f"# X-Timestamp: {timestamp}\n"
        )
        return {
            "csv_content": base64.b64encode(lines.encode() + body).decode(),
            "session_id": session_id,
            "file_name": f"tickets-{now:%Y%m%d-%H%M%S}-{session_id[:8]}.csv",
            "row_count": count,
        }

    async def submit(
        self,
        user_id: str,
        raw: bytes,
        file_name: str,
        callback_url: str | None,
        signed: SignedRequest,
    ) -> dict[str, Any]:
        comments, body = signature.split_comments(raw)
        await self._verify(user_id, signed, body)
        tickets = parse_tickets(body, max_rows=self._limits.max_rows)
        if callback_url is not None:
            callback_url = await self._check_callback(callback_url)

        now = utcnow()
        session_id = await self._free_session_id(comments.get("x-session-id"))
        event = TicketsSubmitted(
            session_id=session_id,
            user_id=user_id,
            file_name=file_name,
            callback_url=callback_url,
            submitted_at=now,
            tickets=tuple(tickets),
        )
        self._check_event_size(event)
        assert signed.nonce is not None  # checked by _verify
        await self._spend_nonce(user_id, signed.nonce, now)
        job = {
            "id": session_id,
            "user_id": user_id,
            "status": "pending",
            "file_name": file_name,
            "total_tickets": len(tickets),
            "callback_url": callback_url,
            "created_at": now.isoformat(),
            "progress": {"processed": 0, "total": len(tickets), "percent": 0},
        }
        await self._jobs.insert(job)
        try:
            await self._outbox.add(event)
        except Exception:
            log.exception("could not record a ticket job's event", extra={"session_id": session_id})
            await self._jobs.delete({"id": session_id})
            await self._nonces.delete({"id": f"{user_id}:{signed.nonce}"})
            raise ApiError(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "the job could not be recorded; please try again",
            ) from None
        return {
            "session_id": session_id,
            "status": "pending",
            "total_tickets": len(tickets),
            "message": "Classification job created",
        }

    async def job(self, user_id: str, session_id: str) -> dict[str, Any]:
        doc = await self._jobs.get(session_id)
        if doc is None or doc["user_id"] != user_id:
            raise not_found("ticket job")  # another user's job is as missing as none
        return _job_view(doc, full=True)

    async def jobs(self, user_id: str, params: PageParams) -> tuple[list[dict[str, Any]], int]:
        found = await self._jobs.find(
            {"user_id": user_id},
            sort=[("created_at", -1)],
            limit=params.limit,
            offset=params.offset,
        )
        total = await self._jobs.count({"user_id": user_id})
        return [_job_view(doc, full=False) for doc in found], total

    async def _verify(self, user_id: str, signed: SignedRequest, body: bytes) -> None:
        if not signed.signature:
            raise unauthorized("the X-Signature header is missing")
        if not signed.nonce or not signature.NONCE.fullmatch(signed.nonce):
            raise unauthorized("X-Nonce must be 16-128 characters of A-Z, a-z, 0-9, _ and -")
        if not signed.timestamp or not signed.timestamp.isdigit():
            raise unauthorized("X-Timestamp must be Unix time in seconds")
        skew = abs(time.time() - int(signed.timestamp))
        if skew > self._limits.tolerance_s:
            raise unauthorized(
                f"X-Timestamp is {int(skew)} s away from the server's clock "
                f"(at most {self._limits.tolerance_s} s)"
            )
        secrets_ = await self._credentials.verifying_secrets(user_id)
        if not secrets_:
            raise unauthorized("you have no signing secret yet: POST /api/v1/signing-secret")
        if not signature.matches(signed.signature, secrets_, signed.timestamp, signed.nonce, body):
            raise unauthorized("the signature does not match the file")

    async def _check_callback(self, url: str) -> str:
        try:
            url = check_url_syntax(url)
            await ensure_public(url, self._limits.allowed_hosts)
        except UnsafeUrl as exc:
            raise ApiError(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                f"callback_url refused: {exc}",
                [{"loc": ["body", "callback_url"], "msg": str(exc), "type": "unsafe_url"}],
            ) from None
        return url

    async def _free_session_id(self, wanted: str | None) -> str:
        """The id the generated file announced, unless it is malformed or taken."""
        if wanted and _SESSION_ID.fullmatch(wanted) and await self._jobs.get(wanted) is None:
            return wanted
        return new_id()

    async def _spend_nonce(self, user_id: str, nonce: str, now: datetime) -> None:
        # A nonce only needs remembering while its timestamp is acceptable; twice that
        # leaves room for clock skew.
        keep = timedelta(seconds=2 * self._limits.tolerance_s)
        await self._nonces.delete({"expires_at": {"$lt": now.isoformat()}})
        try:
            await self._nonces.insert(
                {"id": f"{user_id}:{nonce}", "expires_at": (now + keep).isoformat()}
            )
        except DuplicateKey:
            raise ApiError(status.HTTP_409_CONFLICT, "this nonce has been used before") from None

    def _check_event_size(self, event: TicketsSubmitted) -> None:
        size = len(event.__pydantic_serializer__.to_json(event))
        if size + _ENVELOPE_OVERHEAD_BYTES > self._limits.max_event_bytes:
            raise ApiError(
                status.HTTP_413_CONTENT_TOO_LARGE,
                "the tickets are too large for one job; split the file",
                {"event_bytes": size, "max_event_bytes": self._limits.max_event_bytes},
            )


def _job_view(doc: dict[str, Any], *, full: bool) -> dict[str, Any]:
    view = {
        "session_id": doc["id"],
        "status": doc["status"],
        "file_name": doc["file_name"],
        "total_tickets": doc["total_tickets"],
        "created_at": doc["created_at"],
    }
    if doc["status"] in OPEN:
        view["progress"] = doc.get("progress")
    if doc["status"] == "completed":
        view["completed_at"] = doc.get("completed_at")
        view["results"] = doc.get("results")
        if full:
            view["tickets"] = doc.get("tickets", [])
            view["unclassified"] = doc.get("unclassified", [])
    if doc["status"] == "failed":
        view["completed_at"] = doc.get("completed_at")
        view["error_message"] = doc.get("error_message")
    return view
