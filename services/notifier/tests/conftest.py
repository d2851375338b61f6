"""The notifier on in-memory adapters, served by a real uvicorn on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from insightbus.common.auth import TokenCodec, TokenKind
from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.events import Envelope, Event
from insightbus.common.events.sessions import SessionCreated
from insightbus.common.messages import validate_session_message, validate_user_message
from insightbus.common.runtime import Process, create_app
from insightbus.common.settings import Settings
from insightbus.common.store import DocumentStore
from insightbus.common.store.mongo import MongoStore
from insightbus.common.store.sqlite import SqliteStore
from insightbus.common.testing.factories import publish, serving
from insightbus.notifier.bootstrap import NotifierService
from services.notifier.tests.receiver import Receiver, running_receiver


@dataclass
class Live:
    url: str
    bus: EmbeddedBus
    codec: TokenCodec

    @property
    def http(self) -> str:
        return self.url.replace("ws://", "http://")

    def token(self, user_id: str, kind: TokenKind = TokenKind.access) -> str:
        return self.codec.issue(user_id, kind)[0]

    def socket_url(self, session_id: str, **query: str) -> str:
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        return f"{self.url}/api/v1/sessions/{session_id}/events" + (f"?{qs}" if qs else "")

    async def publish(self, event: Event, source: str = "analysis") -> Envelope:
        return await publish(self.bus, event, source)

    async def create_session(self, session_id: str, user_id: str) -> None:
        await self.publish(
            SessionCreated(
                session_id=session_id, user_id=user_id, title="t", created_at=datetime.now(UTC)
            ),
            source="gateway",
        )


async def receive(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    """The socket's next message, validated against its published model (the session
    socket's or the user channel's, by the socket's path)."""
    message = dict(json.loads(await asyncio.wait_for(ws.recv(), timeout)))
    assert ws.request is not None
    if ws.request.path.startswith("/api/v1/ws/"):
        validate_user_message(message)
    else:
        validate_session_message(message)
    return message


async def ready(ws: ClientConnection) -> None:
    """Once the server answers a ping, the socket is registered (it answers only then)."""
    await ws.send(json.dumps({"type": "ping"}))
    assert (await receive(ws))["type"] == "pong"


@contextlib.asynccontextmanager
async def serve(
    settings: Settings, store: DocumentStore | None = None, bus: EmbeddedBus | None = None
) -> AsyncIterator[Live]:
    """The notifier with its process (store, bus) on a real uvicorn on loopback."""
    bus = bus or EmbeddedBus(None, backoff_s=0.01)
    store = store or SqliteStore(None)
    codec = TokenCodec.from_settings(settings)
    service = NotifierService(settings, store, bus, codec, ownership_grace_s=0.5)
    app = create_app(Process(bus=bus, stores={"notifier": store}, services=[service]), title="n")
    async with serving(app) as url:
        yield Live(url.replace("http://", "ws://"), bus, codec)


@pytest.fixture
async def live(tmp_path: Any) -> AsyncIterator[Live]:
    async with serve(Settings(data_dir=tmp_path, jwt_secret="y" * 40)) as running:
        yield running


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@pytest.fixture
async def hooks(tmp_path: Any) -> AsyncIterator[Live]:
    """The notifier with fast webhook settings: retries 50 ms apart, 127.0.0.1 allowed."""
    from services.notifier.tests.webhook_support import fast_settings

    async with serve(fast_settings(tmp_path)) as running:
        yield running


@pytest.fixture(params=["sqlite", "mongo"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    """Each store the notifier runs on: SQLite (embedded), MongoDB (SecantusDB)."""
    if request.param == "sqlite":
        s: DocumentStore = SqliteStore(tmp_path / "notifier.db")
    else:
        s = MongoStore(request.getfixturevalue("mongo_url"), f"n_{uuid.uuid4().hex[:8]}")
    await s.start()
    yield s
    await s.close()
