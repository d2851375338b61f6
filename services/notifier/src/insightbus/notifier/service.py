"""The notifier service: live updates over WebSockets and webhooks, fed only by events."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, topics
from insightbus.common.idempotency import Inbox
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore, Index
from insightbus.notifier.api import Notifier, router
from insightbus.notifier.event_log import EventLog
from insightbus.notifier.handlers import Notifications
from insightbus.notifier.hub import Hub
from insightbus.notifier.ownership import Ownership
from insightbus.notifier.user_channel import UserChannels
from insightbus.notifier.user_channel import router as user_router
from insightbus.notifier.user_hub import UserHub
from insightbus.notifier.webhooks.fanout import WebhookFanout
from insightbus.notifier.webhooks.routes import WebhookContext
from insightbus.notifier.webhooks.routes import router as webhooks_router
from insightbus.notifier.webhooks.sender import Sender
from insightbus.notifier.webhooks.service import WebhookService
from insightbus.notifier.webhooks.store import WebhookStore
from insightbus.notifier.webhooks.worker import DeliveryWorker, WorkerPolicy

GROUP = "notifier"
CLOSE_GOING_AWAY = 1001


class NotifierService:
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
        self._codec = tokens
        self._grace = ownership_grace_s
        self._hub = Hub()
        self._users = UserHub()
        self._handler: Notifications | None = None
        self._app: FastAPI | None = None
        self._worker: DeliveryWorker | None = None
        bus.subscribe(
            GROUP,
            [topics.SESSIONS, topics.ANALYSIS, topics.ACTION_ITEMS, topics.TICKETS],
            self._handle,
        )

    def configure(self, app: FastAPI) -> None:
        app.include_router(router)
        app.include_router(user_router)
        app.include_router(webhooks_router)
        self._app = app

    async def start(self) -> None:
        ownership = Ownership(await self._store.collection("session_owners"))
        log = EventLog(
            await self._store.collection("session_messages", [Index(("session_id", "seq"))])
        )
        webhooks = await WebhookStore.open(self._store)
        settings = self._settings
        worker = DeliveryWorker(
            webhooks,
            Sender(settings.webhook_allowed_hosts, settings.webhook_timeout_s),
            WorkerPolicy(
                schedule=tuple(settings.webhook_retry_schedule_s),
                timeout_s=settings.webhook_timeout_s,
                disable_after_s=settings.webhook_disable_after_s,
            ),
            notify=self._users.notify,
        )
        self._handler = Notifications(
            ownership,
            log,
            self._hub,
            self._users,
            webhooks=WebhookFanout(webhooks, worker.wake),
            told=Inbox(await self._store.collection("ticket_messages_sent")),
        )
        if self._app is not None:  # the routes find the notifier through the app
            self._app.state.notifier = Notifier(self._codec, ownership, log, self._hub, self._grace)
            self._app.state.user_channels = UserChannels(self._codec, self._users, ownership, log)
            self._app.state.webhooks = WebhookContext(
                self._codec,
                WebhookService(
                    webhooks,
                    allowed_hosts=settings.webhook_allowed_hosts,
                    secret_overlap_s=settings.webhook_secret_overlap_s,
                    wake=worker.wake,
                ),
            )
        worker.start()
        self._worker = worker

    async def stop(self) -> None:
        if self._worker is not None:
            await self._worker.stop()
            self._worker = None
        self._hub.close_all(CLOSE_GOING_AWAY)
        self._users.close_all()

    @property
    def connections(self) -> int:
        return self._hub.connections

    @property
    def users(self) -> UserHub:
        """The per-user sockets (the benchmark pushes through it to time the socket layer)."""
        return self._users

    async def _handle(self, envelope: Envelope) -> None:
        if self._handler is None:
            raise RuntimeError("notifier not started")
        await self._handler(envelope)


def build_notifier(
    settings: Settings, store: DocumentStore, bus: MessageBus, tokens: TokenCodec
) -> NotifierService:
    return NotifierService(settings, store, bus, tokens)
