"""Composition root of the notifier on its own (distributed mode)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.observability.logging import configure_logging
from insightbus.common.observability.sentry import init_sentry
from insightbus.common.runtime import Process, create_app, make_bus, make_store
from insightbus.common.settings import Settings
from insightbus.notifier.service import build_notifier


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    bus = make_bus(settings)
    store = make_store(settings, "notifier")
    service = build_notifier(settings, store, bus, TokenCodec.from_settings(settings))
    process = Process(settings, bus=bus, stores={"notifier": store}, services=[service])
    return create_app(process, title="insightbus notifier")


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    init_sentry(settings, "notifier")
    uvicorn.run(
        create_app_from_settings(settings),
        host=settings.host,
        port=settings.port,
        ws_per_message_deflate=False,  # small JSON messages: not worth the CPU
    )


if __name__ == "__main__":
    main()
