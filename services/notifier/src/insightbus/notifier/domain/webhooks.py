"""Webhooks, the pure part: what endpoints may subscribe to, which events become which
deliveries and with which body, and what the owner sees of endpoints and deliveries."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal

from insightbus.common.events import Envelope, Event
from insightbus.common.events.action_items import ActionItemEvent
from insightbus.common.events.analysis import AnalysisCompleted
from insightbus.common.events.tickets import TicketsClassified, TicketsFailed

# The events an endpoint may subscribe to (job callbacks also send ``tickets.failed``).
WebhookEvent = Literal[
    "analysis.complete",
    "action_item.created",
    "action_item.updated",
    "action_item.deleted",
    "tickets.classified",
]


DeliveryStatus = Literal["pending", "delivered", "failed"]
ENDED: Final[tuple[DeliveryStatus, ...]] = ("delivered", "failed")  # no attempt follows

_DELIVERY_IDS: Final = uuid.UUID("6f1d2c8e-3b7a-4e59-9a0f-5d2b8c1e7a43")
_JOB_PRIVATE: Final = {"user_id", "callback_url"}


def webhook_event(event: Event) -> tuple[str, Callable[[], dict[str, Any]]] | None:
    """(webhook event name, its data when asked for) for what endpoints may subscribe to,
    or None. Pure; the data is built only for an event someone subscribed to."""
    match event:
        case AnalysisCompleted():
            return "analysis.complete", lambda: event.model_dump(mode="json", exclude={"user_id"})
        case ActionItemEvent():
            return event.type, lambda: event.action_item.model_dump(mode="json")
        case TicketsClassified():
            return event.type, lambda: event.model_dump(mode="json", exclude=_JOB_PRIVATE)
    return None


def callback(event: Event) -> tuple[str, str, dict[str, Any]] | None:
    """(url, event name, data) of a ticket job's callback, or None. Pure."""
    match event:
        case TicketsClassified() | TicketsFailed() if event.callback_url:
            return (
                event.callback_url,
                event.type,
                event.model_dump(mode="json", exclude=_JOB_PRIVATE),
            )
    return None


def body(event: str, data: dict[str, Any], envelope: Envelope) -> str:
    """What receivers get: the event, its data, and when it happened."""
    return json.dumps(
        {"event": event, "data": data, "timestamp": envelope.time.isoformat()},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def delivery_id(envelope_id: str, target: str) -> str:
    return "msg_" + uuid.uuid5(_DELIVERY_IDS, f"{envelope_id}:{target}").hex


def epoch_to_iso(epoch: Any) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(float(epoch), UTC).isoformat()


def webhook_view(doc: Mapping[str, Any], now: float) -> dict[str, Any]:
    """What the owner sees of an endpoint: never its secrets."""
    until = doc.get("previous_secret_until")
    return {
        "id": doc["id"],
        "url": doc["url"],
        "events": list(doc["events"]),
        "description": doc.get("description", ""),
        "enabled": bool(doc["enabled"]),
        "disabled_reason": doc.get("disabled_reason"),
        "failing_since": epoch_to_iso(doc.get("failing_since")),
        "previous_secret_expires_at": epoch_to_iso(until) if until and until > now else None,
        "created_at": epoch_to_iso(doc["created_at"]),
        "updated_at": epoch_to_iso(doc["updated_at"]),
    }


def delivery_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A delivery in the log: its outcome, never its body or signatures."""
    return {
        "id": doc["id"],
        "event": doc["event"],
        "status": doc["status"],
        "attempts": int(doc.get("attempts", 0)),
        "response_status": doc.get("response_status"),
        "last_error": doc.get("last_error"),
        "next_attempt_at": epoch_to_iso(doc.get("next_attempt_at"))
        if doc["status"] == "pending"
        else None,
        "last_attempt_at": epoch_to_iso(doc.get("last_attempt_at")),
        "delivered_at": epoch_to_iso(doc.get("delivered_at")),
        "created_at": epoch_to_iso(doc["created_at"]),
    }
