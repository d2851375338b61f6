"""The gateway on in-memory adapters, driven through its HTTP interface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from insightbus.common.auth import TokenCodec
from insightbus.common.bus.embedded import EmbeddedBus
from insightbus.common.events import Envelope, Event, topics
from insightbus.common.graph import Graph
from insightbus.common.runtime import Process, create_app
from insightbus.common.settings import Settings
from insightbus.common.store import Collection
from insightbus.common.store.sqlite import SqliteStore
from insightbus.common.testing.factories import Recorder, auth, publish
from insightbus.gateway.bootstrap import build_gateway

SECRET = "x" * 40


@dataclass
class Harness:
    client: httpx.AsyncClient
    bus: EmbeddedBus
    recorder: Recorder = field(default_factory=Recorder)
    app: FastAPI | None = None
    store: SqliteStore | None = None

    async def collection(self, name: str) -> Collection:
        """One of the gateway's own collections, to check what an API call left behind."""
        assert self.store is not None
        return await self.store.collection(name)

    @staticmethod
    def user_id(token: str) -> str:
        """The user an access token was issued to (its subject), without an API call."""
        return str(jwt.decode(token, options={"verify_signature": False})["sub"])

    async def user(self, email: str = "ada@example.com", password: str = "correct horse") -> str:
        """Register and log in; returns an access token (and sets no default header)."""
        r = await self.client.post(
            "/api/v1/auth/register", json={"email": email, "password": password, "name": "Ada"}
        )
        assert r.status_code == 201, r.text
        r = await self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert r.status_code == 200, r.text
        return str(r.json()["data"]["access_token"])

    async def session(self, token: str, title: str = "Session") -> str:
        r = await self.client.post("/api/v1/sessions", json={"title": title}, headers=auth(token))
        assert r.status_code == 201, r.text
        return str(r.json()["data"]["session"]["id"])

    async def publish(self, event: Event) -> Envelope:
        return await publish(self.bus, event, source="analysis")


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return Settings(data_dir=tmp_path, jwt_secret=SECRET, rate_limit_per_minute=1000)


@pytest.fixture
def bus_partitions() -> int:
    """Override with 1 where a test needs every event of every session in one order."""
    return 4


@pytest.fixture
def gateway_graph() -> Graph | None:
    """The graph the gateway reads (the process starts it); override where a test needs one.
    None: as with the graph off."""
    return None


@pytest.fixture
async def harness(
    settings: Settings, bus_partitions: int, gateway_graph: Graph | None
) -> AsyncIterator[Harness]:
    bus = EmbeddedBus(None, partitions=bus_partitions, backoff_s=0.01)
    store = SqliteStore(None)
    service = build_gateway(settings, store, bus, TokenCodec.from_settings(settings), gateway_graph)
    recorder = Recorder()
    recorder.attach(bus, [topics.SESSIONS, topics.ACTION_ITEMS, topics.TICKETS])
    process = Process(bus=bus, stores={"gateway": store}, services=[service], graph=gateway_graph)
    app = create_app(process, title="t")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Harness(client, bus, recorder, app=app, store=store)
