"""Composition root of the gateway on its own (the distributed mode).

python -m insightbus.gateway.main     # settings from INSIGHTBUS_* variables
"""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.observability.logging import configure_logging
from insightbus.common.observability.sentry import init_sentry
from insightbus.common.runtime import Process, create_app, make_bus, make_store
from insightbus.common.settings import Settings
from insightbus.gateway.service import build_gateway


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    bus = make_bus(settings)
    store = make_store(settings, "gateway")
    gateway = build_gateway(settings, store, bus, TokenCodec.from_settings(settings))
    process = Process(settings, bus=bus, stores={"gateway": store}, services=[gateway])
    return create_app(process, title="insightbus gateway")


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    init_sentry(settings, "gateway")
    uvicorn.run(create_app_from_settings(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
