"""What every client-facing message model shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Message(BaseModel):
    """A message the notifier sends to clients. Unknown keys are refused, so that a model
    cannot drift from what is sent without the tests noticing."""

    model_config = ConfigDict(frozen=True, extra="forbid")
