"""Composition root of the analysis service on its own (distributed mode)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from insightbus.analysis.service import build_analysis
from insightbus.common.observability.logging import configure_logging
from insightbus.common.observability.sentry import init_sentry
from insightbus.common.runtime import Process, create_app, make_bus, make_store
from insightbus.common.settings import Settings


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    """A worker still serves /health and /metrics, for probes and scraping."""
    settings = settings or Settings()
    bus = make_bus(settings)
    store = make_store(settings, "analysis")
    process = Process(
        settings,
        bus=bus,
        stores={"analysis": store},
        services=[build_analysis(settings, store, bus)],
    )
    return create_app(process, title="insightbus analysis")


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    init_sentry(settings, "analysis")
    uvicorn.run(create_app_from_settings(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
