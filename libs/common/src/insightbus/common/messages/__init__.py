"""Client-facing messages: what the notifier sends over its sockets and in webhook bodies,
one pydantic model each (an SDK can use them), published as ``schemas/messages.v1.json``.

The models describe the wire as it is; changing one is a contract change, like an event's.
"""

from __future__ import annotations

from typing import Any

from insightbus.common.messages.session import SESSION_MESSAGE, SessionMessage
from insightbus.common.messages.user import USER_MESSAGE, UserMessage
from insightbus.common.messages.webhooks import WEBHOOK_BODY, WebhookBody

CHANNELS: dict[str, Any] = {
    "session_socket.v1": SESSION_MESSAGE,
    "user_channel.v1": USER_MESSAGE,
    "webhook_body.v1": WEBHOOK_BODY,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """The published schema of each channel: ``<channel>.v<version>`` -> JSON schema."""
    return {name: adapter.json_schema() for name, adapter in CHANNELS.items()}


def validate_session_message(message: Any) -> SessionMessage:
    """``message`` (as decoded from JSON) as its model; raises ``ValidationError``."""
    return SESSION_MESSAGE.validate_python(message)


def validate_user_message(message: Any) -> UserMessage:
    return USER_MESSAGE.validate_python(message)


def validate_webhook_body(body: str | bytes) -> WebhookBody:
    return WEBHOOK_BODY.validate_json(body)


__all__ = [
    "CHANNELS",
    "SessionMessage",
    "UserMessage",
    "WebhookBody",
    "json_schemas",
    "validate_session_message",
    "validate_user_message",
    "validate_webhook_body",
]
