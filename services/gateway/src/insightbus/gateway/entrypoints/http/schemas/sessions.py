"""Request and response bodies of the session routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from insightbus.gateway.domain.sessions import SessionStatus


class NewSessionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: str = Field(default="", max_length=2000)


class SessionOut(BaseModel):
    id: str
    title: str
    description: str
    status: SessionStatus
    created_at: str
    updated_at: str


class SessionData(BaseModel):
    session: SessionOut


class SessionPage(BaseModel):
    items: list[SessionOut]
    total: int
    limit: int
    offset: int


class SessionDeletedOut(BaseModel):
    id: str
    deleted: bool = True
