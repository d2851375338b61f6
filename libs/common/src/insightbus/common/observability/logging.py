"""Structured logs with the correlation id of the request or event being handled, and no
credential in any line."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog

EventDict = MutableMapping[str, Any]

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

# Keys that must never reach a log line, whoever passes them in ``extra``.
_SECRET_KEYS = frozenset(
    {"password", "token", "access_token", "refresh_token", "secret", "authorization"}
)


REDACTED = "[redacted]"

# A query parameter whose name says it carries a credential (``token``, ``access_token``,
# ``api_key``, ``secret``, ``signature``, ``password``, ...): its value goes, its name stays.
_SECRET_PARAM = re.compile(
    r"(?P<name>[?&;][^=&;?#\s\"'\\]*(?:token|key|secret|signature|password)[^=&;?#\s\"'\\]*=)"
    r"[^&;#\s\"'\\]*",
    re.IGNORECASE,
)
# A JWT wherever it is (an access or refresh token in a message, a header, a traceback).
_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*")


def redact(text: str) -> str:
    """``text`` without credentials: secret query parameters' values and JWTs become
    ``[redacted]`` (``/events?token=eyJ...&last_event_id=7`` ->
    ``/events?token=[redacted]&last_event_id=7``)."""
    if "=" in text:
        text = _SECRET_PARAM.sub(rf"\g<name>{REDACTED}", text)
    if "eyJ" in text:
        text = _JWT.sub(REDACTED, text)
    return text


class RedactingFormatter(structlog.stdlib.ProcessorFormatter):
    """The last step of every line the process writes, whoever logged it (uvicorn's
    ``"WebSocket /path?query" [accepted]``, an access log, an exception's traceback):
    whatever was rendered is redacted before it is written."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _add_correlation_id(_: Any, __: str, event: EventDict) -> EventDict:
    cid = correlation_id.get()
    if cid and "correlation_id" not in event:
        event["correlation_id"] = cid
    return event


def _redact(_: Any, __: str, event: EventDict) -> EventDict:
    for key in _SECRET_KEYS.intersection(event):
        event[key] = "[redacted]"
    return event


def _extras(_: Any, __: str, event: EventDict) -> EventDict:
    # Fields passed to stdlib logging as ``extra=`` become part of the structured event.
    record = event.get("_record")
    if isinstance(record, logging.LogRecord):
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                event.setdefault(key, value)
    return event


_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "color_message",
    "taskName",
}


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    """The process's one log handler (``runtime.serve`` installs it in every process):
    structured lines with the correlation id, and no credential (``RedactingFormatter``)."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = RedactingFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _extras,
            _add_correlation_id,
            _redact,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
