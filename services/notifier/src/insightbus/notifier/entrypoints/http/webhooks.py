"""``/api/v1/webhooks``: a user's endpoints, their secrets and delivery log (thin: the
service does the work)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from insightbus.common.web import Success, error_responses, ok
from insightbus.common.web.dependencies import page
from insightbus.notifier.domain.webhooks import epoch_to_iso
from insightbus.notifier.entrypoints.http.dependencies import CurrentUser, Page
from insightbus.notifier.entrypoints.http.dependencies import WebhookCases as Webhooks
from insightbus.notifier.entrypoints.http.schemas import (
    DeliveryData,
    DeliveryPage,
    NewWebhookRequest,
    SecretRotated,
    WebhookChangesRequest,
    WebhookCreated,
    WebhookData,
    WebhookDeletedOut,
    WebhookPage,
)

router = APIRouter(
    prefix="/api/v1/webhooks", tags=["webhooks"], responses=error_responses(401, 422, 429)
)
_MISSING = error_responses(404)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Success[WebhookCreated],
    summary="Add a webhook endpoint (its signing secret is shown only in this answer)",
    responses=error_responses(409),
)
async def create_webhook(
    body: NewWebhookRequest, user_id: CurrentUser, webhooks: Webhooks
) -> JSONResponse:
    webhook, secret = await webhooks.create(user_id, body.url, body.events, body.description)
    return ok({"webhook": webhook, "secret": secret}, status.HTTP_201_CREATED)


@router.get("", response_model=Success[WebhookPage], summary="Your webhook endpoints")
async def list_webhooks(user_id: CurrentUser, webhooks: Webhooks, params: Page) -> JSONResponse:
    items, total = await webhooks.listing(user_id, params.limit, params.offset)
    return ok(page(items, total, params))


@router.post(
    "/callback-secret",
    response_model=Success[SecretRotated],
    summary="Create or rotate the secret that signs your ticket jobs' callbacks",
    responses={201: {"model": Success[SecretRotated], "description": "created"}},
)
async def rotate_callback_secret(user_id: CurrentUser, webhooks: Webhooks) -> JSONResponse:
    keys, created = await webhooks.rotate_callback_secret(user_id)
    return ok(
        _rotated(keys["secret"], keys["previous_secret_until"]),
        status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


@router.get(
    "/{webhook_id}",
    response_model=Success[WebhookData],
    summary="A webhook endpoint",
    responses=_MISSING,
)
async def get_webhook(webhook_id: str, user_id: CurrentUser, webhooks: Webhooks) -> JSONResponse:
    return ok({"webhook": await webhooks.get(user_id, webhook_id)})


@router.patch(
    "/{webhook_id}",
    response_model=Success[WebhookData],
    summary="Change a webhook endpoint",
    responses=_MISSING,
)
async def update_webhook(
    webhook_id: str, body: WebhookChangesRequest, user_id: CurrentUser, webhooks: Webhooks
) -> JSONResponse:
    changes = body.model_dump(exclude_unset=True)
    return ok({"webhook": await webhooks.update(user_id, webhook_id, changes)})


@router.delete(
    "/{webhook_id}",
    response_model=Success[WebhookDeletedOut],
    responses=_MISSING,
    summary="Delete a webhook endpoint and its delivery log",
)
async def delete_webhook(webhook_id: str, user_id: CurrentUser, webhooks: Webhooks) -> JSONResponse:
    await webhooks.delete(user_id, webhook_id)
    return ok({"id": webhook_id, "deleted": True})


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=Success[SecretRotated],
    summary="A new signing secret; the previous one keeps signing during the overlap",
    responses=_MISSING,
)
async def rotate_webhook_secret(
    webhook_id: str, user_id: CurrentUser, webhooks: Webhooks
) -> JSONResponse:
    keys = await webhooks.rotate(user_id, webhook_id)
    return ok(_rotated(keys["secret"], keys["previous_secret_until"]))


@router.get(
    "/{webhook_id}/deliveries",
    response_model=Success[DeliveryPage],
    responses=_MISSING,
    summary="The endpoint's deliveries, newest first",
)
async def list_deliveries(
    webhook_id: str,
    user_id: CurrentUser,
    webhooks: Webhooks,
    params: Page,
    status_filter: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(alias="status")
    ] = None,
) -> JSONResponse:
    items, total = await webhooks.deliveries(
        user_id, webhook_id, status_filter, params.limit, params.offset
    )
    return ok(page(items, total, params))


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Success[DeliveryData],
    responses=error_responses(404, 409),
    summary="Send a delivery again now (same webhook-id), with a fresh retry schedule",
)
async def redeliver_delivery(
    webhook_id: str, delivery_id: str, user_id: CurrentUser, webhooks: Webhooks
) -> JSONResponse:
    delivery = await webhooks.redeliver(user_id, webhook_id, delivery_id)
    return ok({"delivery": delivery}, status.HTTP_202_ACCEPTED)


def _rotated(secret: str, previous_until: float | None) -> dict[str, object]:
    return {"secret": secret, "previous_secret_expires_at": epoch_to_iso(previous_until)}
