"""Logging in with an OpenID Connect provider: the whole redirect flow against a provider
on loopback, and each way it is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from insightbus.common.settings import OidcProvider, Settings
from insightbus.common.testing.factories import auth
from services.gateway.tests.conftest import SECRET, Harness
from services.gateway.tests.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    running_provider,
)

LOGIN = "/api/v1/auth/oidc/test/login"


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    async with running_provider() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, provider: Provider) -> Settings:
    return Settings(
        data_dir=tmp_path,
        jwt_secret=SECRET,
        rate_limit_per_minute=1000,
        oidc_providers={
            "test": OidcProvider(
                issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
            )
        },
    )


async def start(harness: Harness) -> str:
    """The provider's authorization URL the gateway redirects to."""
    r = await harness.client.get(LOGIN)
    assert r.status_code == 302, r.text
    return r.headers["location"]


async def consent(authorize: str) -> str:
    """What the browser does at the provider (which consents at once): the callback URL."""
    async with httpx.AsyncClient() as browser:
        r = await browser.get(authorize)
    assert r.status_code in (302, 307), r.text
    return r.headers["location"]


async def log_in(harness: Harness) -> httpx.Response:
    return await harness.client.get(await consent(await start(harness)))


async def test_the_redirect_flow_logs_in_and_links_the_account_by_verified_email(
    harness: Harness, provider: Provider
) -> None:
    password_token = await harness.user("ada@example.com")  # registered with a password first
    authorize = await start(harness)
    parts = urlsplit(authorize)
    assert f"{parts.scheme}://{parts.netloc}" == provider.issuer and parts.path == "/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["scope"] == "openid email profile"
    assert query["redirect_uri"] == "http://gateway/api/v1/auth/oidc/test/callback"

    r = await harness.client.get(await consent(authorize))
    assert r.status_code == 200, r.text
    pair = r.json()["data"]
    assert set(pair) >= {"access_token", "refresh_token", "expires_in"}
    # The same account as the password's: linked by the provider's verified email.
    assert harness.user_id(pair["access_token"]) == harness.user_id(password_token)
    assert (
        await harness.client.get("/api/v1/sessions", headers=auth(pair["access_token"]))
    ).is_success
    refreshed = await harness.client.post(
        "/api/v1/auth/refresh", headers=auth(pair["refresh_token"])
    )
    assert refreshed.status_code == 200

    # Linked by subject from now on, whatever email the provider says later.
    provider.email = "ada.new@example.com"
    again = await log_in(harness)
    assert harness.user_id(again.json()["data"]["access_token"]) == harness.user_id(password_token)

    # Someone new: an account is made, which no password opens.
    provider.subject, provider.email = "sub-bob", "bob@example.com"
    bob = await log_in(harness)
    assert bob.status_code == 200
    assert harness.user_id(bob.json()["data"]["access_token"]) != harness.user_id(password_token)
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": "anything at all"}
    )
    assert r.status_code == 401
    # The provider's endpoints alone were fetched (discovery once, the keys once).
    assert provider.fetched.count("/.well-known/openid-configuration") == 1
    assert provider.fetched.count("/jwks") == 1


async def test_a_bad_state_is_refused(harness: Harness) -> None:
    callback = await consent(await start(harness))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    # A state this browser did not start (its cookie holds another).
    r = await harness.client.get(
        "/api/v1/auth/oidc/test/callback", params={"code": code, "state": "forged"}
    )
    assert r.status_code == 400
    assert r.json()["error"] == "this login was not started in this browser: start it again"
    # A state the browser claims but no login has.
    harness.client.cookies.set("insightbus_oidc_state", "forged")
    r = await harness.client.get(
        "/api/v1/auth/oidc/test/callback", params={"code": code, "state": "forged"}
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid or expired login state: start the login again"
    # The provider's own refusal, passed on.
    r = await harness.client.get(
        "/api/v1/auth/oidc/test/callback", params={"error": "access_denied", "state": "x"}
    )
    assert r.status_code == 400
    assert r.json()["error"] == "the identity provider refused the login (access_denied)"


async def test_a_replayed_callback_or_code_is_refused(harness: Harness) -> None:
    callback = await consent(await start(harness))
    assert (await harness.client.get(callback)).status_code == 200
    # The same callback again (with the state's cookie, which the success removed): spent.
    state = parse_qs(urlsplit(callback).query)["state"][0]
    assert "insightbus_oidc_state" not in harness.client.cookies
    harness.client.cookies.set("insightbus_oidc_state", state)
    r = await harness.client.get(callback)
    assert r.status_code == 400 and r.json()["error"].startswith("invalid or expired login state")
    # The spent code with a fresh login's state: the provider refuses it (once only).
    harness.client.cookies.clear()
    fresh = parse_qs(urlsplit(await start(harness)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    r = await harness.client.get(
        "/api/v1/auth/oidc/test/callback", params={"code": code, "state": fresh}
    )
    assert r.status_code == 401
    assert (
        r.json()["error"] == "the identity provider refused the authorization code (invalid_grant)"
    )


async def test_an_unverified_email_is_refused(harness: Harness, provider: Provider) -> None:
    await harness.user("ada@example.com")
    provider.email_verified = False
    r = await log_in(harness)
    assert r.status_code == 403
    assert r.json()["error"].startswith("the identity provider has not verified this account's")


async def test_an_id_token_for_another_audience_is_refused(
    harness: Harness, provider: Provider
) -> None:
    provider.audience = "some-other-client"
    r = await log_in(harness)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid ID token: its 'aud' claim is wrong or missing"


async def test_a_token_signed_by_another_key_is_refused(
    harness: Harness, provider: Provider
) -> None:
    from joserfc.jwk import RSAKey

    await log_in(harness)  # the gateway has the provider's keys now
    provider.key = RSAKey.generate_key(2048, parameters={"kid": "p1"})  # an impostor's, same kid
    r = await log_in(harness)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid ID token: its signature does not verify"


async def test_only_the_issuers_endpoints_are_fetched(harness: Harness, provider: Provider) -> None:
    provider.discovery = {"jwks_uri": "http://169.254.169.254/latest/meta-data/"}
    r = await harness.client.get(LOGIN)
    assert r.status_code == 503
    assert r.json()["error"].startswith("the identity provider's jwks_uri is outside its issuer")
    assert (await harness.client.get("/api/v1/auth/oidc/nope/login")).status_code == 404
