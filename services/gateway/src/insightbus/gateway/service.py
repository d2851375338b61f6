"""The gateway service: the one HTTP API clients call."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, topics
from insightbus.common.outbox import Outbox
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.gateway.access import AccessTokens
from insightbus.gateway.action_items.routes import router as action_items_router
from insightbus.gateway.analysis_views.projector import AnalysisProjector
from insightbus.gateway.analysis_views.routes import router as analysis_router
from insightbus.gateway.auth.passwords import PasswordHasher
from insightbus.gateway.auth.routes import router as auth_router
from insightbus.gateway.content.routes import router as content_router
from insightbus.gateway.domain.rate_limit import FixedWindowLimiter
from insightbus.gateway.ratelimit import RateLimitMiddleware
from insightbus.gateway.sessions.routes import router as sessions_router
from insightbus.gateway.state import Collections, Gateway

GROUP = "gateway"
SOURCE = "gateway"


class GatewayService:
    name = "gateway"

    def __init__(
        self, settings: Settings, store: DocumentStore, bus: MessageBus, tokens: TokenCodec
    ) -> None:
        self._settings = settings
        self._store = store
        self._bus = bus
        self._codec = tokens
        self._access = AccessTokens(tokens)
        self._gateway: Gateway | None = None
        self._projector: AnalysisProjector | None = None
        self._app: FastAPI | None = None
        bus.subscribe(GROUP, [topics.ANALYSIS], self._on_analysis_event)

    def configure(self, app: FastAPI) -> None:
        app.add_middleware(
            RateLimitMiddleware,
            limiter=FixedWindowLimiter(self._settings.rate_limit_per_minute),
            tokens=self._access,
        )
        for router in (
            auth_router,
            sessions_router,
            content_router,
            analysis_router,
            action_items_router,
        ):
            app.include_router(router)
        self._app = app

    async def start(self) -> None:
        db = await Collections.open(self._store)
        outbox = await Outbox.create(self._store, self._bus, source=SOURCE)
        self._gateway = Gateway(
            settings=self._settings,
            codec=self._codec,
            access=self._access,
            passwords=PasswordHasher(),
            db=db,
            outbox=outbox,
        )
        if self._app is not None:  # routes find the gateway through the app's state
            self._app.state.gateway = self._gateway
        self._projector = AnalysisProjector(self._gateway)
        outbox.start()

    async def stop(self) -> None:
        if self._gateway is not None:
            await self._gateway.outbox.stop()

    async def _on_analysis_event(self, envelope: Envelope) -> None:
        if self._projector is None:
            raise RuntimeError("gateway not started")
        await self._projector(envelope)


def build_gateway(
    settings: Settings, store: DocumentStore, bus: MessageBus, tokens: TokenCodec
) -> GatewayService:
    return GatewayService(settings, store, bus, tokens)
