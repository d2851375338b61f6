"""Error reporting: Sentry is initialised only when a DSN is configured."""

from __future__ import annotations

import sentry_sdk

from insightbus.common.settings import Settings


def init_sentry(settings: Settings, service: str) -> bool:
    if settings.sentry_dsn is None:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.environment,
        server_name=service,
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
    return True
