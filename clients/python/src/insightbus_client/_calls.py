"""Every API call the clients make, as a ``Call``: path, body, safety, and the generated
model its data is read into."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from insightbus_client._core import Call, new_idempotency_key
from insightbus_client._generated.models import (
    ActionItem,
    AnalysisStatusOut,
    ApiKeyOut,
    ContentAcceptedOut,
    CreatedApiKeyOut,
    DeliveryOut,
    EmotionOut,
    GeneratedOut,
    InsightOut,
    JourneyOut,
    SessionOut,
    SigningSecretOut,
    TicketJobAcceptedOut,
    TicketJobDetailOut,
    TicketJobOut,
    TokenPairOut,
    TopicOut,
    UserOut,
    WebhookCreated,
    WebhookOut,
)
from insightbus_client.tickets import Signature

M = TypeVar("M")
SESSIONS = "/api/v1/sessions"
WEBHOOKS = "/api/v1/webhooks"


def _raw(data: Any) -> Any:
    return data


def _under(key: str, model: Callable[[Any], M]) -> Callable[[Any], M]:
    return lambda data: model(data[key])


def _page(model: Callable[[Any], M]) -> Callable[[Any], tuple[list[M], int]]:
    return lambda data: ([model(item) for item in data["items"]], int(data["total"]))


def register(email: str, password: str, name: str) -> Call[UserOut]:
    body = {"email": email, "password": password, "name": name}
    return Call(
        "POST",
        "/api/v1/auth/register",
        _under("user", UserOut.from_dict),
        json=body,
        authenticated=False,
    )


def login(email: str, password: str) -> Call[TokenPairOut]:
    body = {"email": email, "password": password}
    return Call(
        "POST", "/api/v1/auth/login", TokenPairOut.from_dict, json=body, authenticated=False
    )


def refresh() -> Call[TokenPairOut]:
    return Call("POST", "/api/v1/auth/refresh", TokenPairOut.from_dict, refresh=True)


def create_api_key(name: str, allowed_ips: Sequence[str]) -> Call[CreatedApiKeyOut]:
    body = {"name": name, "allowed_ips": list(allowed_ips)}
    return Call("POST", "/api/v1/api-keys", CreatedApiKeyOut.from_dict, json=body)


def update_api_key(
    key_id: str, name: str | None, allowed_ips: Sequence[str] | None
) -> Call[ApiKeyOut]:
    body: dict[str, Any] = {}
    if name is not None:
        body["name"] = name
    if allowed_ips is not None:
        body["allowed_ips"] = list(allowed_ips)
    return Call("PATCH", f"/api/v1/api-keys/{key_id}", ApiKeyOut.from_dict, json=body)


def list_api_keys() -> Call[list[ApiKeyOut]]:
    return Call("GET", "/api/v1/api-keys", lambda d: [ApiKeyOut.from_dict(k) for k in d])


def revoke_api_key(key_id: str) -> Call[None]:
    return Call("DELETE", f"/api/v1/api-keys/{key_id}", lambda _: None)


def rotate_signing_secret() -> Call[SigningSecretOut]:
    return Call("POST", "/api/v1/signing-secret", SigningSecretOut.from_dict)


def create_session(title: str, description: str | None) -> Call[SessionOut]:
    body: dict[str, Any] = {"title": title}
    if description is not None:
        body["description"] = description
    return Call("POST", SESSIONS, _under("session", SessionOut.from_dict), json=body)


def get_session(session_id: str) -> Call[SessionOut]:
    return Call("GET", f"{SESSIONS}/{session_id}", _under("session", SessionOut.from_dict))


def list_sessions(limit: int, offset: int) -> Call[tuple[list[SessionOut], int]]:
    params = {"limit": limit, "offset": offset}
    return Call("GET", SESSIONS, _page(SessionOut.from_dict), params=params)


def delete_session(session_id: str) -> Call[None]:
    return Call("DELETE", f"{SESSIONS}/{session_id}", lambda _: None)


def upload_content(
    session_id: str, filename: str, data: bytes, idempotency_key: str | None
) -> Call[ContentAcceptedOut]:
    # Always with a key: a retry of the upload then answers the first result.
    key = idempotency_key or new_idempotency_key()
    return Call(
        "POST",
        f"{SESSIONS}/{session_id}/content",
        ContentAcceptedOut.from_dict,
        files={"file": (filename, data, "application/octet-stream")},
        headers={"Idempotency-Key": key},
    )


def analysis_status(session_id: str) -> Call[AnalysisStatusOut]:
    return Call("GET", f"{SESSIONS}/{session_id}/analysis/status", AnalysisStatusOut.from_dict)


def _results(
    session_id: str, what: str, model: Callable[[Any], M], params: dict[str, Any]
) -> Call[tuple[list[M], int]]:
    clean = {k: v for k, v in params.items() if v is not None}
    return Call("GET", f"{SESSIONS}/{session_id}/{what}", _page(model), params=clean)


def emotions(
    session_id: str, limit: int, offset: int, name: str | None, min_intensity: float | None
) -> Call[tuple[list[EmotionOut], int]]:
    params = {"limit": limit, "offset": offset, "name": name, "min_intensity": min_intensity}
    return _results(session_id, "emotions", EmotionOut.from_dict, params)


def topics(session_id: str, limit: int, offset: int) -> Call[tuple[list[TopicOut], int]]:
    return _results(session_id, "topics", TopicOut.from_dict, {"limit": limit, "offset": offset})


def insights(session_id: str, limit: int, offset: int) -> Call[tuple[list[InsightOut], int]]:
    params = {"limit": limit, "offset": offset}
    return _results(session_id, "insights", InsightOut.from_dict, params)


def action_items(session_id: str, limit: int, offset: int) -> Call[tuple[list[ActionItem], int]]:
    params = {"limit": limit, "offset": offset}
    return _results(session_id, "action-items", ActionItem.from_dict, params)


def journey(sessions: int) -> Call[JourneyOut]:
    return Call(
        "GET", "/api/v1/users/me/journey", JourneyOut.from_dict, params={"sessions": sessions}
    )


def generate_tickets(count: int) -> Call[GeneratedOut]:
    return Call("POST", "/api/csv/generate", GeneratedOut.from_dict, json={"ticket_count": count})


def upload_tickets(
    raw: bytes,
    signed: Signature,
    file_name: str | None,
    callback_url: str | None,
    idempotency_key: str | None,
) -> Call[TicketJobAcceptedOut]:
    body: dict[str, Any] = {"csv_content": base64.b64encode(raw).decode()}
    if file_name is not None:
        body["file_name"] = file_name
    if callback_url is not None:
        body["callback_url"] = callback_url
    headers = {**signed.headers(), "Idempotency-Key": idempotency_key or new_idempotency_key()}
    return Call(
        "POST", "/api/tickets/upload", TicketJobAcceptedOut.from_dict, json=body, headers=headers
    )


def ticket_job(session_id: str) -> Call[TicketJobDetailOut]:
    return Call("GET", f"/api/tickets/{session_id}", TicketJobDetailOut.from_dict)


def ticket_jobs(limit: int, offset: int) -> Call[tuple[list[TicketJobOut], int]]:
    params = {"limit": limit, "offset": offset}
    return Call("GET", "/api/tickets", _page(TicketJobOut.from_dict), params=params)


def create_webhook(url: str, events: Sequence[str], description: str) -> Call[WebhookCreated]:
    body = {"url": url, "events": list(events), "description": description}
    return Call("POST", WEBHOOKS, WebhookCreated.from_dict, json=body)


def list_webhooks(limit: int, offset: int) -> Call[tuple[list[WebhookOut], int]]:
    params = {"limit": limit, "offset": offset}
    return Call("GET", WEBHOOKS, _page(WebhookOut.from_dict), params=params)


def get_webhook(webhook_id: str) -> Call[WebhookOut]:
    return Call("GET", f"{WEBHOOKS}/{webhook_id}", _under("webhook", WebhookOut.from_dict))


def update_webhook(webhook_id: str, changes: dict[str, Any]) -> Call[WebhookOut]:
    return Call(
        "PATCH",
        f"{WEBHOOKS}/{webhook_id}",
        _under("webhook", WebhookOut.from_dict),
        json=changes,
    )


def delete_webhook(webhook_id: str) -> Call[None]:
    return Call("DELETE", f"{WEBHOOKS}/{webhook_id}", lambda _: None)


def rotate_webhook_secret(webhook_id: str) -> Call[str]:
    return Call("POST", f"{WEBHOOKS}/{webhook_id}/rotate-secret", lambda d: str(d["secret"]))


def deliveries(webhook_id: str, limit: int, offset: int) -> Call[tuple[list[DeliveryOut], int]]:
    params = {"limit": limit, "offset": offset}
    return Call(
        "GET", f"{WEBHOOKS}/{webhook_id}/deliveries", _page(DeliveryOut.from_dict), params=params
    )


def raw(method: str, path: str, **kw: Any) -> Call[Any]:
    return Call(method, path, _raw, **kw)
