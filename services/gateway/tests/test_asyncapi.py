"""``GET /asyncapi.json``: the published AsyncAPI document, public like ``/openapi.json``."""

from __future__ import annotations

import json
from pathlib import Path

from services.gateway.tests.conftest import Harness

PUBLISHED = Path(__file__).resolve().parents[3] / "libs" / "common" / "schemas" / "asyncapi.json"


async def test_the_asyncapi_document_is_served_without_credentials(harness: Harness) -> None:
    r = await harness.client.get("/asyncapi.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == json.loads(PUBLISHED.read_text())
    assert r.json()["asyncapi"] == "3.0.0"
    # Like every answer: the security headers; like /openapi.json: no rate limit.
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "x-ratelimit-limit" not in r.headers
    assert "/asyncapi.json" in (await harness.client.get("/openapi.json")).json()["paths"]
