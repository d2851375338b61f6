"""Composition root of the classifier service on its own (the distributed mode). A worker
still serves /health and /metrics, for probes and scraping.

python -m insightbus.classifier.main     # settings from INSIGHTBUS_* variables
"""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.classifier.bootstrap import build_classifier
from insightbus.common.runtime import serve, service_app
from insightbus.common.settings import Settings


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return service_app(
        settings, "classifier", lambda store, bus: build_classifier(settings, store, bus)
    )


def main() -> None:
    serve(Settings(), "classifier", create_app_from_settings)


if __name__ == "__main__":
    main()
