"""``GET /api/v1/ws/status``: how many users have a channel open.

Open to anyone and answered as a plain JSON object, not in the envelope: clients written
against the integration guides call it with plain curl and read
``{"connected_users": 5, "status": "active"}``. Like ``/health``, it reveals one count.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from insightbus.notifier.entrypoints.http.dependencies import NotifierApp

router = APIRouter(tags=["live updates"])


class ChannelStatus(BaseModel):
    connected_users: int = Field(ge=0, description="users with at least one channel open")
    status: Literal["active"] = "active"


@router.get(
    "/api/v1/ws/status",
    response_model=ChannelStatus,
    summary="How many users have a channel open (no token needed; a plain object)",
    operation_id="get_channel_status",
)
async def status(notifier: NotifierApp) -> ChannelStatus:
    return ChannelStatus(connected_users=notifier.users.connected_users)
