"""Error reporting: Sentry is initialised only when a DSN is configured, and what it sends
is redacted like every log line (no token, key or secret leaves the process)."""

from __future__ import annotations

from typing import Any

import sentry_sdk

from insightbus.common.observability.logging import redact
from insightbus.common.settings import Settings


def scrub(value: Any) -> Any:
    """``value`` with every string in it redacted (an event is nested dicts and lists)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def _before_send(event: Any, _hint: Any) -> Any:
    return scrub(event)


def init_sentry(settings: Settings, service: str) -> bool:
    if settings.sentry_dsn is None:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.environment,
        server_name=service,
        send_default_pii=False,
        traces_sample_rate=0.0,
        before_send=_before_send,
        before_breadcrumb=_before_send,
    )
    return True
