"""How a process is put together: services on ports, served by one ASGI app.

A service is written once against the ports; a composition root (a service's own
``main.py`` in the distributed mode, or the embedded stack) picks the adapters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from insightbus.common.bus import MessageBus
from insightbus.common.graph import Graph
from insightbus.common.observability.logging import configure_logging
from insightbus.common.observability.sentry import init_sentry
from insightbus.common.settings import BusKind, GraphKind, Settings, StoreKind
from insightbus.common.store import DocumentStore
from insightbus.common.web import (
    error_response,
    install_error_handlers,
    install_observability,
    metrics_router,
    ok,
)
from insightbus.common.web.security import install_security

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[bool]]


class Service(Protocol):
    name: str

    def configure(self, app: FastAPI) -> None:
        """Add the service's routes (and middleware, if any) to the process's app."""

    async def start(self) -> None:
        """Prepare collections and start background loops (the bus is not started yet)."""

    async def stop(self) -> None: ...


@runtime_checkable
class Warming(Protocol):
    """A service with a slow start of its own (model workers): ``warmed`` returns once it
    works at full speed, or knows it cannot; ``not_ready`` says why not yet, or None."""

    async def warmed(self) -> None: ...

    def not_ready(self) -> str | None: ...


#: How long a process waits for its services to warm before it serves anyway (/readyz says).
WARM_UP_TIMEOUT_S = 120.0


@dataclass
class Process:
    """Everything one OS process runs: its adapters and its services. ``graph``: the one its
    services share, when one of them uses it and it is on."""

    bus: MessageBus
    stores: dict[str, DocumentStore] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)
    graph: Graph | None = None

    def health_checks(self) -> dict[str, HealthCheck]:
        """What the process cannot work without."""
        checks: dict[str, HealthCheck] = {"bus": self.bus.healthy}
        for name, store in self.stores.items():
            checks[f"store:{name}"] = store.healthy
        return checks

    def optional_checks(self) -> dict[str, HealthCheck]:
        """What only some of its work needs: the graph (the journey answers 503 without it,
        the projector waits for it). A load balancer must not take the gateway out of
        service for that, so these show in /readyz without making it fail."""
        return {"graph": self.graph.healthy} if self.graph is not None else {}

    def readiness(self) -> dict[str, str | None]:
        """Each warming service: None when ready, else why not."""
        return {f"service:{s.name}": s.not_ready() for s in self.services if isinstance(s, Warming)}

    async def warmed(self) -> None:
        await asyncio.gather(*(s.warmed() for s in self.services if isinstance(s, Warming)))

    async def start(self) -> None:
        for store in self.stores.values():
            await store.start()
        if self.graph is not None:
            await self.graph.start()
        for service in self.services:
            await service.start()
        # Consumers start last, once every handler has what it needs.
        await self.bus.start()

    async def stop(self) -> None:
        await self.bus.stop()
        for service in reversed(self.services):
            await service.stop()
        if self.graph is not None:
            await self.graph.close()
        for store in self.stores.values():
            await store.close()


def make_bus(settings: Settings) -> MessageBus:
    if settings.bus is BusKind.kafka:
        from insightbus.common.bus.kafka import KafkaBus

        return KafkaBus(
            settings.kafka_bootstrap_servers,
            client_id=settings.kafka_client_id,
            partitions=settings.bus_partitions,
            max_attempts=settings.bus_max_attempts,
            backoff_s=settings.bus_retry_backoff_s,
            max_message_bytes=settings.bus_max_message_bytes,
            session_timeout_ms=settings.kafka_session_timeout_ms,
            heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        )
    from insightbus.common.bus.embedded import EmbeddedBus

    return EmbeddedBus(
        settings.resolved_data_dir / "bus.db",
        partitions=settings.bus_partitions,
        max_attempts=settings.bus_max_attempts,
        backoff_s=settings.bus_retry_backoff_s,
        retention_s=settings.bus_retention_s,
        prune_interval_s=settings.purge_interval_s,
    )


def make_store(settings: Settings, service: str) -> DocumentStore:
    """Each service owns its data: its own SQLite file, or its own MongoDB database."""
    if settings.store is StoreKind.mongo:
        from insightbus.common.store.mongo import MongoStore

        return MongoStore(
            settings.mongo_url.get_secret_value(), f"{settings.mongo_database}_{service}"
        )
    from insightbus.common.store.sqlite import SqliteStore

    return SqliteStore(settings.sqlite_path(service), purge_interval_s=settings.purge_interval_s)


class GraphNotConfigured(RuntimeError):
    """The graph is on, but a process that cannot run one of its own has no URL."""


def make_graph(settings: Settings, *, embedded: bool) -> Graph | None:
    """The graph the settings name: None when off; the server at ``graph_url``; without a
    URL, a FalkorDB this process runs under the data dir, where ``embedded`` (the one-process
    stack: its services then share it). Services running apart must share a server."""
    if settings.graph is GraphKind.off:
        return None
    if settings.graph_url is not None:
        from insightbus.common.graph.bolt import BoltConfig, BoltGraph

        password = settings.graph_password
        return BoltGraph(
            BoltConfig(
                settings.graph_url.get_secret_value(),
                user=settings.graph_user,
                password=password.get_secret_value() if password else None,
                database=settings.graph_database,
            )
        )
    if not embedded:
        raise GraphNotConfigured(
            "INSIGHTBUS_GRAPH_URL is not set: services running apart share one graph server"
            " (a Neo4j); set it, or INSIGHTBUS_GRAPH=off"
        )
    from insightbus.common.graph.embedded import EmbeddedGraph

    return EmbeddedGraph(
        settings.resolved_data_dir / "graph", database=settings.graph_database or "insightbus"
    )


def operation_id(route: APIRoute) -> str:
    """An operation's id in the OpenAPI document: its route's name (the function's, or the
    ``name=`` given), e.g. ``get_session``, which generated clients name their calls by."""
    return route.name


def create_app(
    process: Process,
    *,
    title: str,
    version: str = "0.1.0",
    settings: Settings | None = None,
    on_ready: Callable[[], None] | None = None,
) -> FastAPI:
    """The process's ASGI app; ``settings`` (default: the environment's) set the browser
    policy: CORS origins, HSTS. The server listens once the services have started and warmed
    (model workers loaded: the first request is as fast as the tenth); then ``on_ready``."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await process.start()
        try:
            await asyncio.wait_for(process.warmed(), WARM_UP_TIMEOUT_S)
        except Exception:  # a model that cannot load: serve, and let /readyz say why
            log.warning("services did not warm up; serving anyway", exc_info=True)
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            await process.stop()

    app = FastAPI(
        title=title,
        version=version,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    install_error_handlers(app)
    install_observability(app)
    install_security(app, settings or Settings())
    app.include_router(metrics_router)
    app.include_router(
        health_router(process.health_checks(), process.readiness, process.optional_checks())
    )
    for service in process.services:
        service.configure(app)
    return app


def service_app(
    settings: Settings,
    name: str,
    build: Callable[[DocumentStore, MessageBus], Service],
    *,
    graph: Graph | None = None,
) -> FastAPI:
    """One service alone in its process (the distributed mode), on the adapters the
    settings pick: its own store, the shared bus, and the ``graph`` its build uses."""
    bus = make_bus(settings)
    store = make_store(settings, name)
    process = Process(bus=bus, stores={name: store}, services=[build(store, bus)], graph=graph)
    return create_app(process, title=f"insightbus {name}", settings=settings)


def serve(settings: Settings, name: str, build: Callable[[Settings], FastAPI]) -> None:
    """Run a process until SIGINT or SIGTERM: uvicorn turns either into a graceful
    shutdown, in which the app's lifespan stops consumers, services and stores in order."""
    import uvicorn

    configure_logging(settings.log_level, json=settings.log_json)
    init_sentry(settings, name)
    uvicorn.run(
        build(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,  # keep the structured logging configured above
        access_log=False,
        ws_per_message_deflate=False,  # small JSON messages: compression costs more than it saves
        **proxy_options(settings),
    )


def proxy_options(settings: Settings) -> dict[str, Any]:
    """Uvicorn's options for the client address: X-Forwarded-For is taken from the trusted
    proxies alone (``request.client`` is then the client they name, else the peer)."""
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.trusted_proxies)}


def health_router(
    checks: dict[str, HealthCheck],
    readiness: Callable[[], dict[str, str | None]] = dict,
    optional: dict[str, HealthCheck] | None = None,
) -> APIRouter:
    """``/livez``: the process runs. ``/health``: each dependency (bus, stores, graph) answers.
    ``/readyz``: the dependencies it cannot work without, and every service warm: what a
    load balancer routes by. ``optional`` ones are listed there too, but only as
    ``degraded``: without them some routes answer 503, the rest work."""
    router = APIRouter(tags=["health"])
    optional = optional or {}
    every = {**checks, **optional}

    @router.get("/livez", summary="The process is alive")
    async def livez() -> JSONResponse:
        return ok({"status": "alive"})

    @router.get("/readyz", summary="Ready to work at full speed: dependencies up, workers warm")
    async def readyz() -> JSONResponse:
        states = await _states(every)
        for name, why in readiness().items():
            states[name] = "ok" if why is None else why
        if any(state != "ok" for name, state in states.items() if name not in optional):
            return error_response(503, "not ready", {"status": "not ready", "checks": states})
        data: dict[str, object] = {"status": "ready", "checks": states}
        degraded = [name for name in optional if states[name] != "ok"]
        if degraded:
            data["degraded"] = degraded
        return ok(data)

    @router.get("/health", summary="Status of each dependency")
    async def health() -> JSONResponse:
        dependencies = await _states(every)
        if all(state == "ok" for state in dependencies.values()):
            return ok({"status": "ok", "dependencies": dependencies})
        return error_response(503, "degraded", {"status": "degraded", "dependencies": dependencies})

    return router


async def _states(checks: dict[str, HealthCheck]) -> dict[str, str]:
    results = await asyncio.gather(*(_probe(check) for check in checks.values()))
    return {name: "ok" if up else "unavailable" for name, up in zip(checks, results, strict=True)}


async def _probe(check: HealthCheck) -> bool:
    try:
        return await asyncio.wait_for(check(), timeout=2.0)
    except Exception:
        log.warning("health check failed", exc_info=True)
        return False
