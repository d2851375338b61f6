"""Giving documents their expiry time (``expire_at``, under a TTL index: see ``store.port``).

A document that may go gets ``expire_at`` when it may: an inbox id when it is written, a
webhook delivery or a ticket job once it has ended. One still needed has none, and stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from insightbus.common.events import utcnow
from insightbus.common.store import EXPIRE_AT, Collection, Filter


def expires_after(retention_s: float, now: datetime | None = None) -> datetime:
    return (now or utcnow()) + timedelta(seconds=retention_s)


def has_expired(doc: Mapping[str, Any], now: datetime | None = None) -> bool:
    """Past its expiry time: for a reader that must not see what the TTL pass has not
    deleted yet (it runs about once a minute)."""
    expire_at = doc.get(EXPIRE_AT)
    return isinstance(expire_at, datetime) and expire_at <= (now or utcnow())


async def expire_unmarked(
    collection: Collection, retention_s: float, filter: Filter | None = None
) -> int:
    """Documents matching ``filter`` that have no expiry time (written before there was
    one) get one a retention from now; returns how many. Cheap once done: the expiry
    index finds the documents without one."""
    where: dict[str, Any] = {**(filter or {}), EXPIRE_AT: None}
    return await collection.update(where, {EXPIRE_AT: expires_after(retention_s)})
