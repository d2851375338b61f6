"""The typed dependencies of the notifier's HTTP routes (all from ``common.web``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from insightbus.common.auth import AccessTokenVerifier
from insightbus.common.web.dependencies import (
    AccessTokenUser,
    PageParams,
    page_params,
    provided,
)
from insightbus.notifier.app.application import Notifier
from insightbus.notifier.app.webhooks import Webhooks


async def _notifier(request: Request) -> Notifier:
    return provided(request, Notifier)


async def _webhooks(request: Request) -> Webhooks:
    return provided(request, Notifier).webhooks


def _verifier(request: Request) -> AccessTokenVerifier:
    return provided(request, Notifier).verifier


NotifierApp = Annotated[Notifier, Depends(_notifier)]
WebhookCases = Annotated[Webhooks, Depends(_webhooks)]
CurrentUser = Annotated[str, Depends(AccessTokenUser(_verifier))]
Page = Annotated[PageParams, Depends(page_params(20, 100))]
