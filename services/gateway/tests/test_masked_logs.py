"""Logins and registrations leave no email address, password, token or key in the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from insightbus.common.observability.logging import masked, redact
from insightbus.common.testing.factories import auth, logged_output
from services.gateway.tests.conftest import Harness

EMAIL = "ada.lovelace@example.com"
PASSWORD = "correct horse battery"


@pytest.fixture
def log_output() -> Iterator[Callable[[], str]]:
    with logged_output() as output:
        yield output


async def test_auth_logs_mask_the_email_and_show_no_secret(
    harness: Harness, log_output: Callable[[], str]
) -> None:
    token = await harness.user(EMAIL, PASSWORD)
    r = await harness.client.post("/api/v1/auth/login", json={"email": EMAIL, "password": "nope"})
    assert r.status_code == 401
    r = await harness.client.post("/api/v1/api-keys", json={"name": "ci"}, headers=auth(token))
    key = r.json()["data"]["key"]
    logging.getLogger("test").info(
        "what a careless caller might log", extra={"body": {"email": EMAIL, "api_key": key}}
    )

    out = log_output()
    assert "account registered" in out and "login refused" in out
    assert "a***@example.com" in out  # the address is masked, not dropped
    for secret in (EMAIL, PASSWORD, "nope", token, key, key[12:]):
        assert secret not in out


def test_what_redaction_keeps_and_removes() -> None:
    line = redact(
        "ada@example.com sent ibk_0123abcd_sEcReTsEcReTsEcReT, whsec_QUJDREVGR0hJSktMTU5PUA== "
        "and v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= to /x?token=abc&page=2"
    )
    assert line == (
        "a***@example.com sent ibk_[redacted], whsec_[redacted] and v1,[redacted] "
        "to /x?token=[redacted]&page=2"
    )
    assert masked({"headers": {"Webhook-Signature": "v1,x", "webhook-id": "msg_1"}}) == {
        "headers": {"Webhook-Signature": "[redacted]", "webhook-id": "msg_1"}
    }
