"""Structured logs with the correlation id of the request or event being handled, no
credential in any line, and email addresses masked (``ada@example.com`` -> ``a***@example.com``:
enough to tell accounts apart in an incident, not to collect addresses from the logs)."""

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
    {
        "password",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "secret",
        "client_secret",
        "signing_secret",
        "code_verifier",
        "api_key",
        "key",
        "authorization",
        "cookie",
        "x-api-key",
        "x-signature",
        "webhook-signature",
    }
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
# Our own credentials by their prefixes: webhook and callback secrets, API keys, signing
# secrets; and a Standard Webhooks signature (``v1,<base64>``).
_PREFIXED = re.compile(r"\b(?P<prefix>whsec_|ibk_|ibs_)[A-Za-z0-9_+/=-]{8,}")
_SIGNATURE = re.compile(r"\bv1,[A-Za-z0-9+/]{20,}={0,2}")
# An email address: its first character and its domain stay.
_EMAIL = re.compile(
    r"(?<![\w.%+-])(?P<first>[\w%+-])[\w.%+-]*@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)


def mask_email(text: str) -> str:
    return _EMAIL.sub(r"\g<first>***@\g<domain>", text) if "@" in text else text


def redact(text: str) -> str:
    """``text`` without credentials: secret query parameters' values and JWTs become
    ``[redacted]`` (``/events?token=eyJ...&last_event_id=7`` ->
    ``/events?token=[redacted]&last_event_id=7``)."""
    if "=" in text:
        text = _SECRET_PARAM.sub(rf"\g<name>{REDACTED}", text)
    if "eyJ" in text:
        text = _JWT.sub(REDACTED, text)
    if "_" in text:
        text = _PREFIXED.sub(rf"\g<prefix>{REDACTED}", text)
    if "v1," in text:
        text = _SIGNATURE.sub(f"v1,{REDACTED}", text)
    return mask_email(text)


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


def masked(value: Any) -> Any:
    """``value`` as a log line may show it: mappings lose their secret keys' values (at any
    depth: headers, a request's fields), strings their credentials and addresses."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, MutableMapping | dict):
        return {
            k: REDACTED if isinstance(k, str) and k.lower() in _SECRET_KEYS else masked(v)
            for k, v in value.items()
        }
    if type(value) in (list, tuple):  # exactly: a named tuple is built otherwise
        return type(value)(masked(v) for v in value)
    return value


def _redact(_: Any, __: str, event: EventDict) -> EventDict:
    for key, value in list(event.items()):
        if key.lower() in _SECRET_KEYS:
            event[key] = REDACTED
        elif key != "_record" and key != "_from_structlog":
            event[key] = masked(value)
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
