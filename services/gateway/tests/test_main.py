"""The gateway's own composition root (distributed mode), on file-backed adapters and the
graph server of the test session."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from insightbus.common.graph.bolt import BoltConfig
from insightbus.common.runtime import GraphNotConfigured
from insightbus.common.settings import Settings
from insightbus.gateway.bootstrap import create_app
from services.gateway.tests.conftest import SECRET


async def test_the_gateway_runs_alone_and_keeps_its_data(
    tmp_path: Path, graph_server: BoltConfig
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        jwt_secret=SECRET,
        graph_url=graph_server.url,
        graph_user=graph_server.user or "neo4j",
        graph_password=graph_server.password,
        graph_database=graph_server.database,
    )
    body = {"email": "solo@example.com", "password": "correct horse", "name": "Solo"}
    for attempt in range(2):  # the second app finds what the first one stored
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://g") as client:
                health = (await client.get("/health")).json()["data"]
                assert health["dependencies"] == {"bus": "ok", "store:gateway": "ok", "graph": "ok"}
                r = await client.post("/api/v1/auth/register", json=body)
                assert r.status_code == (201 if attempt == 0 else 409)
                credentials = {"email": body["email"], "password": body["password"]}
                login = await client.post("/api/v1/auth/login", json=credentials)
                assert login.status_code == 200, login.text
                token = login.json()["data"]["access_token"]
                journey = await client.get(
                    "/api/v1/users/me/journey", headers={"Authorization": f"Bearer {token}"}
                )
                assert journey.status_code == 200, journey.text
    assert (tmp_path / "gateway.db").exists() and (tmp_path / "bus.db").exists()


def test_alone_it_needs_a_graph_server_it_shares_or_the_graph_off(tmp_path: Path) -> None:
    """A graph of its own would be one the analysis never writes to."""
    with pytest.raises(GraphNotConfigured, match="INSIGHTBUS_GRAPH_URL"):
        create_app(Settings(data_dir=tmp_path, jwt_secret=SECRET))
    create_app(Settings(data_dir=tmp_path, jwt_secret=SECRET, graph="off"))
