"""The embedded stack: every service in one process, on an in-process durable bus, one
SQLite file per service and a FalkorDB the process runs (unless the settings name a graph
server, or turn it off). The same services and ports as the distributed mode; only the
adapters differ.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from insightbus.analysis.bootstrap import build_analysis
from insightbus.classifier.bootstrap import build_classifier
from insightbus.common.auth import TokenCodec
from insightbus.common.runtime import (
    Process,
    Service,
    create_app,
    make_bus,
    make_graph,
    make_store,
)
from insightbus.common.settings import Settings
from insightbus.gateway.bootstrap import build_gateway
from insightbus.notifier.bootstrap import build_notifier


def build_process(settings: Settings) -> Process:
    bus = make_bus(settings)
    tokens = TokenCodec.from_settings(settings)
    names = ("gateway", "analysis", "classifier", "notifier")
    stores = {name: make_store(settings, name) for name in names}
    graph = make_graph(settings, embedded=True)  # one, shared by the analysis and the gateway
    services: list[Service] = [
        build_gateway(settings, stores["gateway"], bus, tokens, graph),
        build_analysis(settings, stores["analysis"], bus, graph),
        build_classifier(settings, stores["classifier"], bus),
        build_notifier(settings, stores["notifier"], bus, tokens),
    ]
    return Process(bus=bus, stores=dict(stores), services=services, graph=graph)


def create_embedded_app(settings: Settings, on_ready: Callable[[], None] | None = None) -> FastAPI:
    return create_app(
        build_process(settings), title="insightbus", settings=settings, on_ready=on_ready
    )
