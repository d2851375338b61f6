"""Presence: who is connected to a user's channel (their devices) or to a session's socket
(its owner's clients, the SDK's included), as the messages that report it. No I/O.

A *scope* is what a socket is present in: ``user:<user_id>`` for an authenticated user
channel, ``session:<session_id>`` for a session socket. Each connection has an id of its
own, so the same user on two devices (or two tabs) is two entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_CLIENT_LABEL = 100


def user_scope(user_id: str) -> str:
    return f"user:{user_id}"


def session_scope(session_id: str) -> str:
    return f"session:{session_id}"


def client_label(query: str | None, user_agent: str | None) -> str:
    """What the client calls itself: ``?client=``, else its User-Agent; cut to 100 characters."""
    return (query or user_agent or "")[:MAX_CLIENT_LABEL]


@dataclass(frozen=True)
class PresenceEntry:
    connection_id: str
    scope: str
    user_id: str
    client: str
    connected_at: str  # ISO 8601

    def wire(self) -> dict[str, Any]:
        return {
            "connection_id": self.connection_id,
            "user_id": self.user_id,
            "client": self.client,
            "connected_at": self.connected_at,
        }


@dataclass(frozen=True)
class Change:
    """A connection that joined (``joined``) or left (``left``) a scope."""

    type: str
    entry: PresenceEntry


def changes(
    before: Mapping[str, PresenceEntry], after: Mapping[str, PresenceEntry]
) -> list[Change]:
    """What a socket that knew ``before`` is told once the scope holds ``after``: those
    gone first, then those new, each in the order they connected."""
    left = sorted((e for i, e in before.items() if i not in after), key=_order)
    joined = sorted((e for i, e in after.items() if i not in before), key=_order)
    return [Change("left", e) for e in left] + [Change("joined", e) for e in joined]


def listing(entries: Iterable[PresenceEntry]) -> list[dict[str, Any]]:
    return [e.wire() for e in sorted(entries, key=_order)]


def session_message(change: Change) -> dict[str, Any]:
    """A ``joined`` or ``left`` message on a session socket."""
    return {"type": change.type, "data": change.entry.wire()}


def user_message(user_id: str, change: Change) -> dict[str, Any]:
    """A ``joined`` or ``left`` message on a user's channel."""
    return {"type": change.type, "user_id": user_id, "connection": change.entry.wire()}


def _order(entry: PresenceEntry) -> tuple[str, str]:
    return (entry.connected_at, entry.connection_id)
