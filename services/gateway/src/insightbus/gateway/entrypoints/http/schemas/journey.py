"""Response body of ``GET /api/v1/users/me/journey`` (for the OpenAPI document)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class JourneyEmotionOut(BaseModel):
    id: str
    name: str
    intensity: float
    timestamp: float | None = Field(description="seconds from the content's start, if timed")
    segment: int


class JourneySessionOut(BaseModel):
    id: str
    title: str | None
    created_at: str | None = Field(description="ISO 8601, UTC")
    emotions: list[JourneyEmotionOut] = Field(description="by segment, then time, then name")
    topics: list[str]


class SessionRefOut(BaseModel):
    id: str
    title: str | None
    created_at: str | None


class RecurringTopicOut(BaseModel):
    name: str
    session_count: int = Field(description="how many of your sessions contain it (two or more)")
    sessions: list[SessionRefOut] = Field(description="the first 20 of them, oldest first")


class JourneyOut(BaseModel):
    sessions: list[JourneySessionOut] = Field(description="your latest sessions, oldest first")
    recurring_topics: list[RecurringTopicOut] = Field(
        description="the 20 topics most of all your sessions share (two or more), the most first"
    )
