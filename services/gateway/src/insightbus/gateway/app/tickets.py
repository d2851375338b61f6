"""Ticket classification jobs, from the gateway's side: demo files, signed uploads that
become ``tickets.submitted`` events, and the job's status as the classifier reports it.

An upload is checked in the order that tells a client the most without telling an
impostor anything: the signature first (401), then the file (422, 413), then the nonce,
which is spent only by an upload that is accepted, so fixing a rejected file and sending
it again with the same nonce works, while a replay of an accepted one gets 409.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insightbus.common.errors import Conflict, NotFound, TooLarge, Unauthenticated
from insightbus.common.events import EventTooLarge, ensure_fits, new_id, utcnow
from insightbus.common.events.tickets import TicketsSubmitted
from insightbus.common.retention import expires_after
from insightbus.common.store import EXPIRE_AT, Collection, DuplicateKey
from insightbus.common.unit_of_work import Change, UnitOfWork
from insightbus.common.urls import require_public_url
from insightbus.common.web.dependencies import PageParams
from insightbus.gateway.app.credentials import Credentials
from insightbus.gateway.app.ports import TicketRequests
from insightbus.gateway.domain.tickets import signature
from insightbus.gateway.domain.tickets.csv_format import parse_tickets
from insightbus.gateway.domain.tickets.file_names import default_file_name, generated_file_name
from insightbus.gateway.domain.tickets.generator import generate_csv
from insightbus.gateway.domain.tickets.jobs import job_view

_SESSION_ID = re.compile(r"[0-9a-f]{32}")


class SignatureRefused(Unauthenticated):
    """The upload's signature headers are missing, malformed, stale or wrong."""


class NonceReused(Conflict):
    def __init__(self) -> None:
        super().__init__("this nonce has been used before")


class TicketsTooLarge(TooLarge):
    def __init__(self, exc: EventTooLarge) -> None:
        super().__init__(
            "the tickets are too large for one job; split the file",
            {"event_bytes": exc.size, "max_event_bytes": exc.limit},
        )


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


class TicketJobs:
    def __init__(
        self,
        jobs: Collection,
        nonces: Collection,
        credentials: Credentials,
        uow: UnitOfWork,
        limits: Limits,
        requests: TicketRequests,
    ) -> None:
        self._jobs = jobs
        self._nonces = nonces
        self._credentials = credentials
        self._uow = uow
        self._limits = limits
        self._requests = requests

    async def generate(self, user_id: str, count: int) -> dict[str, Any]:
        """A demo file signed with the user's secret, ready to upload as it is."""
        now = utcnow()
        body = generate_csv(count, now, self._requests())
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
            "file_name": generated_file_name(session_id, now),
            "row_count": count,
        }

    async def submit(
        self,
        user_id: str,
        raw: bytes,
        file_name: str | None,
        callback_url: str | None,
        signed: SignedRequest,
    ) -> dict[str, Any]:
        """A job for the signed file. Without a ``file_name``, a generated file keeps the
        name it was generated under and any other is named after the upload's time."""
        comments, body = signature.split_comments(raw)
        await self._verify(user_id, signed, body)
        tickets = parse_tickets(body, max_rows=self._limits.max_rows)
        if callback_url is not None:
            callback_url = await require_public_url(
                callback_url, "callback_url", self._limits.allowed_hosts
            )

        now = utcnow()
        session_id = await self._free_session_id(comments.get("x-session-id"))
        file_name = file_name or default_file_name(comments, now)
        event = TicketsSubmitted(
            session_id=session_id,
            user_id=user_id,
            file_name=file_name,
            callback_url=callback_url,
            submitted_at=now,
            tickets=tuple(tickets),
        )
        try:
            ensure_fits(event, self._limits.max_event_bytes)
        except EventTooLarge as exc:
            raise TicketsTooLarge(exc) from None
        assert signed.nonce is not None  # checked by _verify
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
        # The nonce is spent with the job: if the job is not recorded, neither is it.
        async with self._uow() as change:
            await self._spend_nonce(change, user_id, signed.nonce, now)
            await change.insert(self._jobs, job)
            change.emit(event)
        return {
            "session_id": session_id,
            "status": "pending",
            "total_tickets": len(tickets),
            "message": "Classification job created",
        }

    async def job(self, user_id: str, session_id: str) -> dict[str, Any]:
        doc = await self._jobs.get(session_id)
        if doc is None or doc["user_id"] != user_id:
            raise NotFound("ticket job")  # another user's job is as missing as none
        return job_view(doc, full=True)

    async def jobs(self, user_id: str, params: PageParams) -> tuple[list[dict[str, Any]], int]:
        found = await self._jobs.find(
            {"user_id": user_id},
            sort=[("created_at", -1)],
            limit=params.limit,
            offset=params.offset,
        )
        total = await self._jobs.count({"user_id": user_id})
        return [job_view(doc, full=False) for doc in found], total

    async def _verify(self, user_id: str, signed: SignedRequest, body: bytes) -> None:
        if not signed.signature:
            raise SignatureRefused("the X-Signature header is missing")
        if not signed.nonce or not signature.NONCE.fullmatch(signed.nonce):
            raise SignatureRefused("X-Nonce must be 16-128 characters of A-Z, a-z, 0-9, _ and -")
        if not signed.timestamp or not signed.timestamp.isdigit():
            raise SignatureRefused("X-Timestamp must be Unix time in seconds")
        skew = abs(time.time() - int(signed.timestamp))
        if skew > self._limits.tolerance_s:
            raise SignatureRefused(
                f"X-Timestamp is {int(skew)} s away from the server's clock "
                f"(at most {self._limits.tolerance_s} s)"
            )
        secrets_ = await self._credentials.verifying_secrets(user_id)
        if not secrets_:
            raise SignatureRefused("you have no signing secret yet: POST /api/v1/signing-secret")
        if not signature.matches(signed.signature, secrets_, signed.timestamp, signed.nonce, body):
            raise SignatureRefused("the signature does not match the file")

    async def _free_session_id(self, wanted: str | None) -> str:
        """The id the generated file announced, unless it is malformed or taken."""
        if wanted and _SESSION_ID.fullmatch(wanted) and await self._jobs.get(wanted) is None:
            return wanted
        return new_id()

    async def _spend_nonce(self, change: Change, user_id: str, nonce: str, now: datetime) -> None:
        # A nonce only needs remembering while its timestamp is acceptable; twice that
        # leaves room for clock skew. It then expires (a TTL index); until the store has
        # deleted it, it still refuses its nonce, which errs on the safe side.
        expire_at = expires_after(2 * self._limits.tolerance_s, now)
        try:
            await change.insert(self._nonces, {"id": f"{user_id}:{nonce}", EXPIRE_AT: expire_at})
        except DuplicateKey:
            raise NonceReused from None
