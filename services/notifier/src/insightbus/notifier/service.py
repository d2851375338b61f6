"""The notifier service: live updates over WebSockets, fed only by events."""

from __future__ import annotations

from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.bus import MessageBus
from insightbus.common.events import Envelope, topics
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
        self._store = store
        self._codec = tokens
        self._grace = ownership_grace_s
        self._hub = Hub()
        self._users = UserHub()
        self._handler: Notifications | None = None
        self._app: FastAPI | None = None
        bus.subscribe(GROUP, [topics.SESSIONS, topics.ANALYSIS, topics.ACTION_ITEMS], self._handle)

    def configure(self, app: FastAPI) -> None:
        app.include_router(router)
        app.include_router(user_router)
        self._app = app

    async def start(self) -> None:
        ownership = Ownership(await self._store.collection("session_owners"))
        log = EventLog(
            await self._store.collection("session_messages", [Index(("session_id", "seq"))])
        )
        self._handler = Notifications(ownership, log, self._hub, self._users)
        if self._app is not None:  # the socket routes find the notifier through the app
            self._app.state.notifier = Notifier(self._codec, ownership, log, self._hub, self._grace)
            self._app.state.user_channels = UserChannels(self._codec, self._users, ownership, log)

    async def stop(self) -> None:
        self._hub.close_all(CLOSE_GOING_AWAY)
        self._users.close_all()

    @property
    def connections(self) -> int:
        return self._hub.connections

    async def _handle(self, envelope: Envelope) -> None:
        if self._handler is None:
            raise RuntimeError("notifier not started")
        await self._handler(envelope)


def build_notifier(
    settings: Settings, store: DocumentStore, bus: MessageBus, tokens: TokenCodec
) -> NotifierService:
    return NotifierService(settings, store, bus, tokens)
