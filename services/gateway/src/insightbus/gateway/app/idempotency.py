"""Idempotency keys for uploads: a retried upload answers what the first one did.

A client sends ``Idempotency-Key`` with an upload; the first request with a key reserves it
(an insert: one wins however many replicas race), does the work and records its answer.
Later requests with the same key from the same user get that answer again (the same status
and body: the same content or job id) without starting anything; with a different request
behind the key (another file, another session) they are refused. A failed request frees its
key, so a fixed retry can use it. Keys expire ``ttl_s`` after their first use (``expire_at``,
a TTL index); since deletion is eventual, an expired record is also ignored when read.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from insightbus.common.errors import Conflict, Invalid
from insightbus.common.retention import expires_after
from insightbus.common.store import EXPIRE_AT, Collection, DuplicateKey

HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
#: A reservation whose request never finished (its process died) is taken over after this.
STALE_PENDING_S = 120.0


class KeyReused(Invalid):
    def __init__(self) -> None:
        super().__init__(
            f"this {HEADER} was already used for a different request; "
            "use a new key for a new upload",
            {"header": HEADER},
        )


class KeyInProgress(Conflict):
    def __init__(self) -> None:
        super().__init__(
            f"a request with this {HEADER} is still in progress; retry it shortly",
            {"header": HEADER},
        )


class MalformedKey(Invalid):
    def __init__(self) -> None:
        super().__init__(f"{HEADER} must be 1-255 visible ASCII characters", {"header": HEADER})


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    data: Any


def fingerprint(*parts: str | bytes | None) -> str:
    """What identifies a request behind a key (its route, target and body)."""
    digest = hashlib.sha256()
    for part in parts:
        raw = b"\xff" if part is None else part.encode() if isinstance(part, str) else part
        digest.update(len(raw).to_bytes(8, "big"))
        digest.update(raw)
    return digest.hexdigest()


class IdempotentRequests:
    def __init__(
        self, records: Collection, *, ttl_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        self._records = records
        self._ttl_s = ttl_s
        self._clock = clock

    async def run(
        self,
        user_id: str,
        key: str | None,
        request: str,
        work: Callable[[], Awaitable[Answer]],
    ) -> Answer:
        """``work``'s answer, or, when ``key`` was used before for the same ``request``
        (a ``fingerprint``), the answer it gave then."""
        if key is None:
            return await work()
        if not _KEY.fullmatch(key):
            raise MalformedKey()
        record_id = f"{user_id}:{key}"
        recorded = await self._reserve(record_id, user_id, request)
        if recorded is not None:
            return recorded
        try:
            answer = await work()
        except BaseException:
            await self._records.delete({"id": record_id, "state": "pending"})
            raise
        await self._records.update(
            {"id": record_id},
            {"state": "done", "status": answer.status, "data": answer.data},
        )
        return answer

    async def _reserve(self, record_id: str, user_id: str, request: str) -> Answer | None:
        """None once the key is ours to use; the recorded answer when it was used before."""
        for _ in range(3):
            now = self._clock()
            record = {
                "id": record_id,
                "user_id": user_id,
                "request": request,
                "state": "pending",
                "first_used": now,
                EXPIRE_AT: expires_after(self._ttl_s),
            }
            try:
                await self._records.insert(record)
                return None
            except DuplicateKey:
                pass
            found = await self._records.get(record_id)
            if found is None:
                continue  # freed meanwhile: try again
            expired = now - float(found["first_used"]) >= self._ttl_s
            stale = found["state"] == "pending" and now - found["first_used"] >= STALE_PENDING_S
            if expired or stale:
                # Compare-and-delete: only the record we read, so one taker wins.
                await self._records.delete({"id": record_id, "first_used": found["first_used"]})
                continue
            if found["request"] != request:
                raise KeyReused()
            if found["state"] == "pending":
                raise KeyInProgress()
            return Answer(int(found["status"]), found["data"])
        raise KeyInProgress()
