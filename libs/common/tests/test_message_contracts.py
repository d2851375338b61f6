"""The client-facing message schemas are a public contract, like the events'."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from insightbus.common.messages import json_schemas as message_schemas
from insightbus.common.messages import (
    validate_session_message,
    validate_user_message,
    validate_webhook_body,
)

PUBLISHED = Path(__file__).resolve().parents[1] / "schemas" / "messages.v1.json"


def test_published_schemas_match_the_models() -> None:
    # If this fails, what clients receive changed: make it a new version (and keep the old)
    # for a breaking change, then regenerate with
    # `python -m insightbus.common.messages > libs/common/schemas/messages.v1.json`.
    assert json.loads(PUBLISHED.read_text()) == message_schemas()


def test_each_channel_tells_its_messages_apart_by_type() -> None:
    assert validate_session_message({"type": "pong"}).type == "pong"
    pong = validate_user_message({"type": "pong", "user_id": "u1", "message": "Pong!"})
    assert pong.type == "pong"
    with pytest.raises(ValidationError):
        validate_session_message({"type": "pong", "user_id": "u1", "message": "Pong!"})


def test_an_unknown_key_or_type_is_refused() -> None:
    progress = {
        "type": "analysis_progress",
        "id": "e1",
        "data": {"session_id": "s1", "content_id": "c1", "stage": "emotions", "progress": 40},
    }
    assert validate_session_message(progress).type == "analysis_progress"
    with pytest.raises(ValidationError):
        validate_session_message({**progress, "extra": 1})
    with pytest.raises(ValidationError):
        validate_session_message({**progress, "type": "analysis_progressed"})


def test_a_webhook_body_is_read_from_its_bytes() -> None:
    body = json.dumps(
        {
            "event": "tickets.failed",
            "data": {
                "session_id": "job1",
                "file_name": "a.csv",
                "failed_at": datetime.now(UTC).isoformat(),
                "error_message": "no 'summary' column",
            },
            "timestamp": datetime.now(UTC).isoformat(),
        }
    )
    assert validate_webhook_body(body).event == "tickets.failed"
