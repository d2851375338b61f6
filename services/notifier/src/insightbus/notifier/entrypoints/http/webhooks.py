"""``/api/v1/webhooks``: a user's endpoints, their secrets and delivery log (thin: the
service does the work)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.responses import JSONResponse
from fastapi.security.base import SecurityBase

from insightbus.common.auth import InvalidToken, TokenCodec, TokenKind, bearer_token
from insightbus.common.web import Success, ok, unauthorized
from insightbus.notifier.webhooks.schemas import (
    DeliveryData,
    DeliveryPage,
    NewWebhookRequest,
    SecretRotated,
    WebhookChangesRequest,
    WebhookCreated,
    WebhookData,
    WebhookDeletedOut,
    WebhookPage,
    epoch_to_iso,
)
from insightbus.notifier.webhooks.service import WebhookService

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@dataclass(frozen=True)
class WebhookContext:
    codec: TokenCodec
    service: WebhookService


def _context(request: Request) -> WebhookContext:
    context: WebhookContext = request.app.state.webhooks
    return context


class _AccessTokenUser(SecurityBase):
    """The id of the user whose access token the request carries; 401 otherwise. A
    ``SecurityBase``, so /docs lists it as the scheme of these routes."""

    def __init__(self) -> None:
        self.model = HTTPBearerModel(description="an access token from /api/v1/auth/login")
        self.scheme_name = "AccessToken"

    async def __call__(self, request: Request) -> str:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            raise unauthorized("authentication required")
        try:
            return _context(request).codec.verify(token, TokenKind.access).subject
        except InvalidToken as exc:
            raise unauthorized(str(exc)) from None


async def _service(request: Request) -> WebhookService:
    return _context(request).service


CurrentUser = Annotated[str, Depends(_AccessTokenUser())]
Webhooks = Annotated[WebhookService, Depends(_service)]
Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _page(items: list[object], total: int, limit: int, offset: int) -> dict[str, object]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[WebhookCreated],
    summary="Add a webhook endpoint (its signing secret is shown only in this answer)",
)
async def create_webhook(
    body: NewWebhookRequest, user_id: CurrentUser, webhooks: Webhooks
) -> JSONResponse:
    webhook, secret = await webhooks.create(user_id, body)
    return ok({"webhook": webhook, "secret": secret}, status.HTTP_201_CREATED)


@router.get("", response_model=Success[WebhookPage], summary="Your webhook endpoints")
async def list_webhooks(
    user_id: CurrentUser, webhooks: Webhooks, limit: Limit = 20, offset: Offset = 0
) -> JSONResponse:
    items, total = await webhooks.listing(user_id, limit, offset)
    return ok(_page(list(items), total, limit, offset))


@router.post(
    "/callback-secret",
    response_model=Success[SecretRotated],
    summary="Create or rotate the secret that signs your ticket jobs' callbacks",
    responses={201: {"model": Success[SecretRotated], "description": "created"}},
)
async def callback_secret(user_id: CurrentUser, webhooks: Webhooks) -> JSONResponse:
    keys, created = await webhooks.rotate_callback_secret(user_id)
    return ok(
        _rotated(keys["secret"], keys["previous_secret_until"]),
        status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


@router.get("/{webhook_id}", response_model=Success[WebhookData], summary="A webhook endpoint")
async def get_webhook(webhook_id: str, user_id: CurrentUser, webhooks: Webhooks) -> JSONResponse:
    return ok({"webhook": await webhooks.get(user_id, webhook_id)})


@router.patch(
    "/{webhook_id}", response_model=Success[WebhookData], summary="Change a webhook endpoint"
)
async def update_webhook(
    webhook_id: str, body: WebhookChangesRequest, user_id: CurrentUser, webhooks: Webhooks
) -> JSONResponse:
    return ok({"webhook": await webhooks.update(user_id, webhook_id, body)})


@router.delete(
    "/{webhook_id}",
    response_model=Success[WebhookDeletedOut],
    summary="Delete a webhook endpoint and its delivery log",
)
async def delete_webhook(webhook_id: str, user_id: CurrentUser, webhooks: Webhooks) -> JSONResponse:
    await webhooks.delete(user_id, webhook_id)
    return ok({"id": webhook_id, "deleted": True})


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=Success[SecretRotated],
    summary="A new signing secret; the previous one keeps signing during the overlap",
)
async def rotate_secret(webhook_id: str, user_id: CurrentUser, webhooks: Webhooks) -> JSONResponse:
    keys = await webhooks.rotate(user_id, webhook_id)
    return ok(_rotated(keys["secret"], keys["previous_secret_until"]))


@router.get(
    "/{webhook_id}/deliveries",
    response_model=Success[DeliveryPage],
    summary="The endpoint's deliveries, newest first",
)
async def list_deliveries(
    webhook_id: str,
    user_id: CurrentUser,
    webhooks: Webhooks,
    limit: Limit = 20,
    offset: Offset = 0,
    status_filter: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(alias="status")
    ] = None,
) -> JSONResponse:
    items, total = await webhooks.deliveries(user_id, webhook_id, status_filter, limit, offset)
    return ok(_page(list(items), total, limit, offset))


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Success[DeliveryData],
    summary="Send a delivery again now (same webhook-id), with a fresh retry schedule",
)
async def redeliver(
    webhook_id: str, delivery_id: str, user_id: CurrentUser, webhooks: Webhooks
) -> JSONResponse:
    delivery = await webhooks.redeliver(user_id, webhook_id, delivery_id)
    return ok({"delivery": delivery}, status.HTTP_202_ACCEPTED)


def _rotated(secret: str, previous_until: float | None) -> dict[str, object]:
    return {"secret": secret, "previous_secret_expires_at": epoch_to_iso(previous_until)}
