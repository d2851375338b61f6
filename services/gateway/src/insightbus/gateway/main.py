"""The gateway on its own (the distributed mode): a tiny entry that calls the bootstrap.

python -m insightbus.gateway.main     # settings from INSIGHTBUS_* variables
"""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.runtime import serve, service_app
from insightbus.common.settings import Settings
from insightbus.gateway.bootstrap import build_gateway


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    tokens = TokenCodec.from_settings(settings)
    return service_app(
        settings, "gateway", lambda store, bus: build_gateway(settings, store, bus, tokens)
    )


def main() -> None:
    serve(Settings(), "gateway", create_app_from_settings)


if __name__ == "__main__":
    main()
