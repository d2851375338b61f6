"""What every client-facing message model shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    """A message the notifier sends to clients. Unknown keys are refused, so that a model
    cannot drift from what is sent without the tests noticing."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PresentConnection(Message):
    """One open socket, as presence reports it: each device or client is its own."""

    connection_id: str
    user_id: str
    client: str = Field(description="?client= as the socket gave it, else its User-Agent")
    connected_at: str = Field(description="ISO 8601")
