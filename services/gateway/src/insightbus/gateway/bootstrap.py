"""The gateway's one composition root: settings -> adapters -> app -> entrypoints.

It owns users, sessions, uploads, action items and ticket jobs, publishes their events
through its outbox, and answers analysis and job queries from read models fed by the
analysis' and the classifier's events; the journey, from the graph the analysis projects.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from insightbus.common.auth import AccessTokenVerifier, TokenCodec
from insightbus.common.bus import MessageBus
from insightbus.common.graph import Graph
from insightbus.common.graph.off import OffGraph
from insightbus.common.idempotency import Inbox
from insightbus.common.outbox import Outbox
from insightbus.common.runtime import make_graph, service_app
from insightbus.common.settings import Settings, StoreKind
from insightbus.common.store import DocumentStore
from insightbus.common.topology import subscribe
from insightbus.common.unit_of_work import UnitOfWork
from insightbus.common.web.dependencies import provide, withdraw
from insightbus.gateway.adapters.corpus import ticket_requests
from insightbus.gateway.adapters.oidc import OidcProviders
from insightbus.gateway.adapters.passwords import Passwords
from insightbus.gateway.adapters.rate_limits import InMemoryLimiter, SharedLimiter
from insightbus.gateway.adapters.storage import GatewayCollections
from insightbus.gateway.app.action_items import ActionItems
from insightbus.gateway.app.analysis import AnalysisViews
from insightbus.gateway.app.analysis_projector import AnalysisProjector
from insightbus.gateway.app.auth import Accounts
from insightbus.gateway.app.content import Uploads
from insightbus.gateway.app.credentials import Credentials
from insightbus.gateway.app.gateway import Gateway
from insightbus.gateway.app.idempotency import IdempotentRequests
from insightbus.gateway.app.journey import Journeys
from insightbus.gateway.app.oidc import OidcLogins
from insightbus.gateway.app.ports import PasswordHasher, RateLimiter
from insightbus.gateway.app.sessions import Sessions
from insightbus.gateway.app.ticket_projector import TicketJobProjector
from insightbus.gateway.app.tickets import Limits, TicketJobs
from insightbus.gateway.entrypoints.bus import TOPOLOGY
from insightbus.gateway.entrypoints.graphql.router import PATH as GRAPHQL_PATH
from insightbus.gateway.entrypoints.graphql.router import graphql_router
from insightbus.gateway.entrypoints.http import ROUTERS
from insightbus.gateway.entrypoints.http.dependencies import document_api_keys
from insightbus.gateway.entrypoints.http.ratelimit import RateLimitMiddleware

SOURCE = "gateway"


class GatewayService:
    """Satisfies ``insightbus.common.runtime.Service``."""

    name = "gateway"

    def __init__(
        self,
        settings: Settings,
        store: DocumentStore,
        bus: MessageBus,
        tokens: TokenCodec,
        passwords: PasswordHasher | None = None,
        graph: Graph | None = None,
    ) -> None:
        self._settings = settings
        self._graph = graph or OffGraph()
        self._store = store
        self._bus = bus
        self._codec = tokens
        self._passwords = passwords or Passwords()
        self._verifier = AccessTokenVerifier(tokens)
        self._apps: list[FastAPI] = []
        self._gateway: Gateway | None = None
        self._outbox: Outbox | None = None

    @property
    def gateway(self) -> Gateway:
        """The application object; ``RuntimeError`` until started (the bus then retries)."""
        if self._gateway is None:
            raise RuntimeError("the gateway is not started")
        return self._gateway

    def configure(self, app: FastAPI) -> None:
        self._apps.append(app)
        for router in ROUTERS:
            app.include_router(router)
        app.include_router(graphql_router())
        document_api_keys(app, ROUTERS)
        # Appended rather than add_middleware()'d so that it is the innermost middleware:
        # the observability middleware (correlation ids, metrics) then sees 429s too.
        # /graphql counts against the same limit as /api/ (one limiter, one count).
        limiter = self._rate_limiter()
        for prefix in ("/api/", GRAPHQL_PATH):
            app.user_middleware.append(
                Middleware(
                    RateLimitMiddleware, limiter=limiter, verifier=self._verifier, prefix=prefix
                )
            )

    def _rate_limiter(self) -> RateLimiter:
        limit = self._settings.rate_limit_per_minute
        if self._settings.store is StoreKind.mongo:  # replicas: one count for all
            return SharedLimiter(self._store, limit)
        return InMemoryLimiter(limit)  # one process

    async def start(self) -> None:
        settings = self._settings
        db = await GatewayCollections.open(self._store)
        await db.expire_older(
            refresh_tokens_s=settings.refresh_token_ttl_s,
            nonces_s=2 * settings.signature_tolerance_s,
            ticket_jobs_s=settings.ticket_job_retention_s,
        )
        outbox = await Outbox.create(self._store, self._bus, source=SOURCE)
        uow = UnitOfWork(outbox)
        views = AnalysisViews(db.emotions, db.topics, db.insights)
        action_items = ActionItems(db.action_items, uow)
        credentials = Credentials(db.api_keys, db.signing_secrets)
        accounts = Accounts(db.users, db.refresh_tokens, self._codec, self._passwords)
        providers = settings.oidc_providers
        gateway = Gateway(
            settings=settings,
            verifier=self._verifier,
            accounts=accounts,
            credentials=credentials,
            sessions=Sessions(db.sessions, db.session_scoped(), uow),
            uploads=Uploads(
                db.contents, db.sessions, uow, max_event_bytes=settings.bus_max_message_bytes
            ),
            analysis=views,
            action_items=action_items,
            tickets=TicketJobs(
                db.ticket_jobs,
                db.nonces,
                credentials,
                uow,
                Limits(
                    max_rows=settings.tickets_max_rows,
                    max_event_bytes=settings.bus_max_message_bytes,
                    tolerance_s=settings.signature_tolerance_s,
                    allowed_hosts=tuple(settings.webhook_allowed_hosts),
                ),
                ticket_requests,
            ),
            journeys=Journeys(self._graph),
            analysis_projector=AnalysisProjector(
                db.sessions,
                views,
                action_items,
                await Inbox.create(self._store, retention_s=settings.inbox_retention_s),
            ),
            ticket_projector=TicketJobProjector(
                db.ticket_jobs, retention_s=settings.ticket_job_retention_s
            ),
            idempotency=IdempotentRequests(
                db.idempotency_keys, ttl_s=settings.idempotency_key_ttl_s
            ),
            oidc=OidcLogins(
                db.oidc_flows,
                db.identities,
                accounts,
                OidcProviders(providers),
                flow_ttl_s=settings.oidc_flow_ttl_s,
            ),
        )
        self._gateway = gateway
        for app in self._apps:
            provide(app, gateway)
        self._outbox = outbox
        outbox.start()

    async def stop(self) -> None:
        if self._outbox is not None:
            await self._outbox.stop()
            self._outbox = None
        for app in self._apps:
            withdraw(app, Gateway)
        self._gateway = None


def build_gateway(
    settings: Settings,
    store: DocumentStore,
    bus: MessageBus,
    tokens: TokenCodec,
    graph: Graph | None = None,
) -> GatewayService:
    """``graph``: what the journey reads (started by the process); None: it answers 503."""
    service = GatewayService(settings, store, bus, tokens, graph=graph)
    # Subscribed here, before anything starts the bus.
    subscribe(bus, TOPOLOGY, lambda: service.gateway)
    return service


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway alone in its process (the distributed mode), on the adapters the settings pick."""
    settings = settings or Settings()
    tokens = TokenCodec.from_settings(settings)
    graph = make_graph(settings, embedded=False)
    return service_app(
        settings,
        "gateway",
        lambda store, bus: build_gateway(settings, store, bus, tokens, graph),
        graph=graph,
    )
