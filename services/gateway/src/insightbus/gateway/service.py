"""The gateway service: the one HTTP API clients call.

It owns users, sessions, uploads and action items, publishes their events through its
outbox, and answers analysis queries from read models fed by the analysis' events.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from insightbus.common.auth import TokenCodec
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, topics
from insightbus.common.idempotency import Inbox
from insightbus.common.outbox import Outbox
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.web import ApiError
from insightbus.gateway.action_items.routes import router as action_items_router
from insightbus.gateway.action_items.service import ActionItemService
from insightbus.gateway.analysis_views.projector import AnalysisProjector
from insightbus.gateway.analysis_views.routes import router as analysis_router
from insightbus.gateway.analysis_views.service import AnalysisViews
from insightbus.gateway.auth.passwords import Passwords
from insightbus.gateway.auth.routes import router as auth_router
from insightbus.gateway.auth.service import AuthService
from insightbus.gateway.content.routes import router as content_router
from insightbus.gateway.content.service import ContentService
from insightbus.gateway.context import GatewayContext
from insightbus.gateway.credentials.routes import router as credentials_router
from insightbus.gateway.credentials.service import Credentials
from insightbus.gateway.domain.rate_limit import FixedWindowLimiter
from insightbus.common.auth import AccessTokenVerifier
from insightbus.gateway.ratelimit import RateLimitMiddleware
from insightbus.gateway.sessions.routes import router as sessions_router
from insightbus.gateway.sessions.service import SessionService
from insightbus.gateway.storage import GatewayCollections
from insightbus.gateway.tickets.projector import TicketJobProjector
from insightbus.gateway.tickets.routes import router as tickets_router
from insightbus.gateway.tickets.service import Limits, TicketService

GROUP = "gateway"
TICKETS_GROUP = "gateway-tickets"
SOURCE = "gateway"
ROUTERS = (
    auth_router,
    credentials_router,
    sessions_router,
    content_router,
    analysis_router,
    action_items_router,
    tickets_router,
)


class GatewayService:
    """Satisfies ``insightbus.common.runtime.Service``."""

    name = "gateway"

    def __init__(
        self,
        settings: Settings,
        store: DocumentStore,
        bus: MessageBus,
        tokens: TokenCodec,
        passwords: Passwords | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._bus = bus
        self._codec = tokens
        self._passwords = passwords or Passwords()
        self._verifier = AccessTokenVerifier(tokens)
        self._context: GatewayContext | None = None
        self._outbox: Outbox | None = None
        self._projector: AnalysisProjector | None = None
        self._ticket_projector: TicketJobProjector | None = None

    @property
    def context(self) -> GatewayContext:
        if self._context is None:
            raise ApiError(503, "the gateway is starting")
        return self._context

    def configure(self, app: FastAPI) -> None:
        app.state.gateway = self  # how the routes' dependencies find the context
        for router in ROUTERS:
            app.include_router(router)
        # Appended rather than add_middleware()'d so that it is the innermost middleware:
        # the observability middleware (correlation ids, metrics) then sees 429s too.
        app.user_middleware.append(
            Middleware(
                RateLimitMiddleware,
                limiter=FixedWindowLimiter(self._settings.rate_limit_per_minute),
                verifier=self._verifier,
            )
        )

    async def start(self) -> None:
        db = await GatewayCollections.open(self._store)
        outbox = await Outbox.create(self._store, self._bus, source=SOURCE)
        views = AnalysisViews(db.emotions, db.topics, db.insights)
        action_items = ActionItemService(db.action_items, outbox)
        self._projector = AnalysisProjector(
            db.sessions, views, action_items, await Inbox.create(self._store)
        )
        credentials = Credentials(db.api_keys, db.signing_secrets)
        self._ticket_projector = TicketJobProjector(db.ticket_jobs)
        settings = self._settings
        self._context = GatewayContext(
            settings=self._settings,
            verifier=self._verifier,
            auth=AuthService(db.users, db.refresh_tokens, self._codec, self._passwords),
            sessions=SessionService(db.sessions, db.session_scoped(), outbox),
            content=ContentService(
                db.contents,
                db.sessions,
                outbox,
                max_event_bytes=self._settings.bus_max_message_bytes,
            ),
            analysis=views,
            action_items=action_items,
            credentials=credentials,
            tickets=TicketService(
                db.ticket_jobs,
                db.nonces,
                credentials,
                outbox,
                Limits(
                    max_rows=settings.tickets_max_rows,
                    max_event_bytes=settings.bus_max_message_bytes,
                    tolerance_s=settings.signature_tolerance_s,
                    allowed_hosts=tuple(settings.webhook_allowed_hosts),
                ),
            ),
        )
        self._outbox = outbox
        outbox.start()

    async def stop(self) -> None:
        if self._outbox is not None:
            await self._outbox.stop()
            self._outbox = None
        self._context = None
        self._projector = None
        self._ticket_projector = None

    async def on_analysis_event(self, envelope: Envelope) -> None:
        if self._projector is None:
            raise RuntimeError("the gateway is not started")  # the bus retries
        await self._projector(envelope)

    async def on_ticket_event(self, envelope: Envelope) -> None:
        if self._ticket_projector is None:
            raise RuntimeError("the gateway is not started")  # the bus retries
        await self._ticket_projector(envelope)


def build_gateway(
    settings: Settings, store: DocumentStore, bus: MessageBus, tokens: TokenCodec
) -> GatewayService:
    service = GatewayService(settings, store, bus, tokens)
    # Subscribed here, before anything starts the bus.
    bus.subscribe(GROUP, [topics.ANALYSIS], service.on_analysis_event)
    bus.subscribe(TICKETS_GROUP, [topics.TICKETS], service.on_ticket_event)
    return service
