"""The gateway's own composition root (distributed mode), on file-backed adapters."""

from __future__ import annotations

from pathlib import Path

import httpx

from insightbus.common.settings import Settings
from insightbus.gateway.bootstrap import create_app
from services.gateway.tests.conftest import SECRET


async def test_the_gateway_runs_alone_and_keeps_its_data(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, jwt_secret=SECRET)
    body = {"email": "solo@example.com", "password": "correct horse", "name": "Solo"}
    for attempt in range(2):  # the second app finds what the first one stored
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://g") as client:
                health = (await client.get("/health")).json()["data"]
                assert health["dependencies"] == {"bus": "ok", "store:gateway": "ok"}
                r = await client.post("/api/v1/auth/register", json=body)
                assert r.status_code == (201 if attempt == 0 else 409)
                credentials = {"email": body["email"], "password": body["password"]}
                login = await client.post("/api/v1/auth/login", json=credentials)
                assert login.status_code == 200, login.text
    assert (tmp_path / "gateway.db").exists() and (tmp_path / "bus.db").exists()
