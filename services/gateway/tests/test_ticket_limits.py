"""Ticket uploads beyond the configured limits."""

from __future__ import annotations

from typing import Any

import pytest

from insightbus.common.settings import Settings
from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import SECRET, Harness
from services.gateway.tests.test_tickets import (
    CSV_HEADER,
    signed_headers,
    signing_secret,
    tickets_csv,
    upload,
)


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return Settings(
        data_dir=tmp_path,
        jwt_secret=SECRET,
        rate_limit_per_minute=1000,
        tickets_max_rows=50,
        tickets_max_bytes=16 * 1024,
    )


async def test_too_many_rows_or_bytes_is_413(harness: Harness) -> None:
    token = await harness.user()
    secret = await signing_secret(harness, token)
    raw = tickets_csv(51)
    r = await upload(harness, token, raw, signed_headers(secret, raw))
    assert r.status_code == 413 and r.json()["details"] == {"max_rows": 50}
    big = CSV_HEADER.encode() + b"T-1,Big," + b"x" * 17_000 + b",a@b.c,\n"
    r = await upload(harness, token, big, signed_headers(secret, big))
    assert r.status_code == 413
    r = await harness.client.post(
        "/api/tickets/upload",
        files={"file": ("t.csv", big, "text/csv")},
        headers={**auth(token), **signed_headers(secret, big)},
    )
    assert r.status_code == 413
