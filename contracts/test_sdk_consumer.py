"""The SDK's (``insightbus-client``) expectations of the gateway's HTTP API, as a pact.

The real SDK calls a Pact mock server; each interaction records the request it sends and
the least of the answer it relies on (matchers: types and formats, not values). The pact
(``pacts/insightbus-client-insightbus-gateway.json``) is verified against the running
gateway in ``test_provider.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pact import Pact, match

from contracts.pacts_io import matches_committed
from insightbus_client import Client
from insightbus_client.errors import NotFound

CONSUMER, PROVIDER = "insightbus-client", "insightbus-gateway"
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$"
TOKEN = "an-access-token"  # replaced by a real one when verified (test_provider.py)
BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")


def ok(data: Any) -> dict[str, Any]:
    return {"status": "success", "success": True, "data": data}


SESSION = {
    "id": match.str("7f3c2a9e4b1d4c6a8e5f0a1b2c3d4e5f"),
    "title": match.str("Weekly check-in"),
    "description": match.str(""),
    # The SDK reads it as an enum: a status it does not know fails it.
    "status": match.regex("created", regex="^(created|pending|processing|completed|failed)$"),
    "created_at": match.regex("2026-12-01T09:30:00+00:00", regex=ISO),
    "updated_at": match.regex("2026-12-01T09:30:00+00:00", regex=ISO),
}


@pytest.fixture
def pact() -> Pact:
    return Pact(CONSUMER, PROVIDER).with_specification("V4")


def test_the_sdk_expectations_of_the_gateway(pact: Pact, tmp_path: Path) -> None:
    (
        pact.upon_receiving("a registration")
        .with_request("POST", "/api/v1/auth/register")
        .with_body(
            {"email": "pact-new@example.com", "password": "correct horse", "name": "Ada"},
            content_type="application/json",
        )
        .will_respond_with(201)
        .with_body(
            ok(
                {
                    "user": {
                        "id": match.str("u-1"),
                        "email": "pact-new@example.com",
                        "name": "Ada",
                    }
                }
            ),
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("a login")
        .given("a user pact-user@example.com with the password 'correct horse'")
        .with_request("POST", "/api/v1/auth/login")
        .with_body(
            {"email": "pact-user@example.com", "password": "correct horse"},
            content_type="application/json",
        )
        .will_respond_with(200)
        .with_body(
            ok(
                {
                    "access_token": match.str("eyJ.a.b"),
                    "refresh_token": match.str("eyJ.c.d"),
                    "expires_in": match.int(900),
                    "token_type": match.str("bearer"),
                }
            ),
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("a new session")
        .given("an authenticated user")
        .with_request("POST", "/api/v1/sessions")
        .with_header("Authorization", BEARER)
        .with_body({"title": "Weekly check-in"}, content_type="application/json")
        .will_respond_with(201)
        .with_body(ok({"session": SESSION}), content_type="application/json")
    )
    (
        pact.upon_receiving("the first page of sessions")
        .given("an authenticated user with a session")
        .with_request("GET", "/api/v1/sessions")
        .with_header("Authorization", BEARER)
        .with_query_parameter("limit", "100")
        .with_query_parameter("offset", "0")
        .will_respond_with(200)
        .with_body(
            ok({"items": match.each_like(SESSION), "total": match.int(1)}),
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("a session that does not exist")
        .given("an authenticated user")
        .with_request("GET", "/api/v1/sessions/no-such-session")
        .with_header("Authorization", BEARER)
        .will_respond_with(404)
        .with_body(
            {"status": "error", "success": False, "error": match.str("session not found")},
            content_type="application/json",
        )
    )

    with pact.serve() as server:
        url = str(server.url).rstrip("/")
        with Client(url) as anonymous:
            assert anonymous.register("pact-new@example.com", "correct horse", "Ada").name == "Ada"
            pair = anonymous.login("pact-user@example.com", "correct horse")
            assert pair.access_token and pair.expires_in > 0
        with Client(url, access_token=TOKEN) as client:
            session = client.create_session("Weekly check-in")
            assert session.title == "Weekly check-in"
            assert [s.id for s in client.sessions()] == [session.id]
            with pytest.raises(NotFound):
                client.get_session("no-such-session")

    pact.write_file(tmp_path)
    matches_committed(tmp_path, CONSUMER, PROVIDER)
