"""The notifier's composition root: settings -> adapters -> application -> entrypoints.

``build_notifier`` is what every process calls (``main.py`` in the distributed mode, the
embedded stack in ``insightbus.cli.embedded``)."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.common.auth import AccessTokenVerifier, TokenCodec
from insightbus.common.bus import MessageBus
from insightbus.common.runtime import service_app
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.topology import subscribe
from insightbus.common.web.dependencies import provide, withdraw
from insightbus.notifier.adapters.delivery_worker import DeliveryWorker, WorkerPolicy
from insightbus.notifier.adapters.event_log import EventLog
from insightbus.notifier.adapters.ownership import Ownership
from insightbus.notifier.adapters.presence_store import PresenceStore
from insightbus.notifier.adapters.sender import Sender
from insightbus.notifier.adapters.session_hub import SessionHub
from insightbus.notifier.adapters.user_hub import UserHub
from insightbus.notifier.adapters.webhook_store import WebhookStore
from insightbus.notifier.app.application import Notifier
from insightbus.notifier.app.fanout import WebhookFanout
from insightbus.notifier.app.notifications import Notifications
from insightbus.notifier.app.presence import Presence
from insightbus.notifier.app.webhooks import Webhooks
from insightbus.notifier.domain.sockets import Closing
from insightbus.notifier.entrypoints.bus import TOPOLOGY
from insightbus.notifier.entrypoints.http.status import router as status_router
from insightbus.notifier.entrypoints.http.webhooks import router as webhooks_router
from insightbus.notifier.entrypoints.ws.session_events import router as session_router
from insightbus.notifier.entrypoints.ws.user_channel import router as user_router


class NotifierService:
    """The notifier as a ``insightbus.common.runtime.Service``."""

    name = "notifier"

    def __init__(
        self,
        settings: Settings,
        store: DocumentStore,
        bus: MessageBus,
        tokens: TokenCodec,
        *,
        ownership_grace_s: float = 3.0,
    ) -> None:
        self._settings = settings
        self._store = store
        self._verifier = AccessTokenVerifier(tokens)
        self._grace = ownership_grace_s
        self._sessions = SessionHub()
        self._users = UserHub()
        self._notifier: Notifier | None = None
        self._app: FastAPI | None = None
        self._worker: DeliveryWorker | None = None
        self._presence: Presence | None = None
        subscribe(bus, TOPOLOGY, self._application)

    def configure(self, app: FastAPI) -> None:
        app.include_router(session_router)
        app.include_router(user_router)
        app.include_router(status_router)
        app.include_router(webhooks_router)
        self._app = app

    async def start(self) -> None:
        settings, store = self._settings, self._store
        ownership = await Ownership.open(store, tombstone_retention_s=settings.inbox_retention_s)
        log = await EventLog.open(store, retention_s=settings.session_log_retention_s)
        webhooks = await WebhookStore.open(store, retention_s=settings.webhook_delivery_retention_s)
        presence = Presence(
            await PresenceStore.open(store, ttl_s=settings.presence_ttl_s),
            ttl_s=settings.presence_ttl_s,
            interval_s=settings.presence_interval_s,
        )
        worker = DeliveryWorker(
            webhooks,
            Sender(settings.webhook_allowed_hosts, settings.webhook_timeout_s),
            WorkerPolicy(
                schedule=tuple(settings.webhook_retry_schedule_s),
                timeout_s=settings.webhook_timeout_s,
                disable_after_s=settings.webhook_disable_after_s,
                retention_s=settings.webhook_delivery_retention_s,
            ),
            notify=self._users.notify,
        )
        self._notifier = Notifier(
            verifier=self._verifier,
            ownership=ownership,
            log=log,
            sessions=self._sessions,
            users=self._users,
            notifications=Notifications(
                ownership,
                log,
                self._sessions,
                self._users,
                webhooks=WebhookFanout(webhooks, worker.wake),
            ),
            webhooks=Webhooks(
                webhooks,
                allowed_hosts=settings.webhook_allowed_hosts,
                secret_overlap_s=settings.webhook_secret_overlap_s,
                wake=worker.wake,
            ),
            presence=presence,
            ownership_grace_s=self._grace,
        )
        if self._app is not None:
            provide(self._app, self._notifier)
        worker.start()
        self._worker = worker
        presence.start()
        self._presence = presence

    async def stop(self) -> None:
        if self._worker is not None:
            await self._worker.stop()
            self._worker = None
        if self._app is not None:
            withdraw(self._app, Notifier)
        self._sessions.close_all(Closing.SHUTDOWN)
        self._users.close_all()
        if self._presence is not None:
            await self._presence.stop()
            self._presence = None

    def _application(self) -> Notifier:
        if self._notifier is None:
            raise RuntimeError("notifier not started")
        return self._notifier

    @property
    def connections(self) -> int:
        """Open session sockets."""
        return self._sessions.connections

    @property
    def users(self) -> UserHub:
        """The per-user sockets (the benchmark pushes through it to time the socket layer)."""
        return self._users


def build_notifier(
    settings: Settings, store: DocumentStore, bus: MessageBus, tokens: TokenCodec
) -> NotifierService:
    return NotifierService(settings, store, bus, tokens)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The notifier alone in its process (the distributed mode), on the adapters the settings pick."""
    settings = settings or Settings()
    tokens = TokenCodec.from_settings(settings)
    return service_app(
        settings, "notifier", lambda store, bus: build_notifier(settings, store, bus, tokens)
    )
