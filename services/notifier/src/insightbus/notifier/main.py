"""Composition root of the notifier on its own (the distributed mode).

python -m insightbus.notifier.main     # settings from INSIGHTBUS_* variables
"""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.runtime import serve, service_app
from insightbus.common.settings import Settings
from insightbus.notifier.bootstrap import build_notifier


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    tokens = TokenCodec.from_settings(settings)
    return service_app(
        settings, "notifier", lambda store, bus: build_notifier(settings, store, bus, tokens)
    )


def main() -> None:
    serve(Settings(), "notifier", create_app_from_settings)


if __name__ == "__main__":
    main()
