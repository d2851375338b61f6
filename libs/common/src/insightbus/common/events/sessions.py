"""Events about sessions and their content, published by the gateway."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from insightbus.common.events import topics
from insightbus.common.events.envelope import SessionScoped


class SessionEvent(SessionScoped):
    topic = topics.SESSIONS


class SessionCreated(SessionEvent):
    type = "session.created"
    title: str
    created_at: datetime


class SessionDeleted(SessionEvent):
    type = "session.deleted"


class ContentBlock(BaseModel):
    """One transcript entry or paragraph, normalized from whatever format was uploaded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    speaker: str | None = None
    start: float | None = Field(default=None, ge=0, description="seconds from content start")
    end: float | None = Field(default=None, ge=0, description="seconds from content start")


ContentFormat = Literal["txt", "md", "json", "vtt", "srt"]


class ContentUploaded(SessionEvent):
    type = "content.uploaded"
    content_id: str
    filename: str
    format: ContentFormat
    size_bytes: int = Field(ge=0)
    blocks: tuple[ContentBlock, ...]
