"""OpenID Connect providers over HTTP: discovery, the token endpoint, ID tokens verified
against the provider's published keys (JWKS) with Authlib's JOSE implementation (joserfc).

Satisfies ``insightbus.gateway.app.ports.IdentityProviders``.

No SSRF: the only URLs fetched are the configured issuer's discovery document and the token
endpoint and key set it names, and those must use the issuer's scheme and be on the issuer's
host or one of the provider's ``endpoint_hosts``. Redirects are never followed, answers are
read up to a size, and every call has a timeout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from insightbus.common.settings import OidcProvider
from insightbus.gateway.domain.oidc import ExternalIdentity, ProviderRefused, ProviderUnavailable

DISCOVERY_PATH = "/.well-known/openid-configuration"
METADATA_TTL_S = 3600.0
# A token naming a key we do not have: fetch the set again, at most this often.
JWKS_REFRESH_S = 30.0
MAX_BODY_BYTES = 512 * 1024
TIMEOUT_S = 10.0
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
CLOCK_SKEW_S = 60


@dataclass
class _Metadata:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    fetched_at: float
    keys: KeySet | None = None
    keys_fetched_at: float = 0.0


class OidcProviders:
    def __init__(
        self, providers: dict[str, OidcProvider], transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._providers = providers
        self._transport = transport
        self._metadata: dict[str, _Metadata] = {}

    def names(self) -> frozenset[str]:
        return frozenset(self._providers)

    async def authorization_url(self, provider: str, params: dict[str, str]) -> str:
        config = self._providers[provider]
        endpoint = (await self._meta(provider)).authorization_endpoint
        query = {"client_id": config.client_id, "scope": " ".join(config.scopes), **params}
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"

    async def redeem(
        self, provider: str, *, code: str, verifier: str, redirect_uri: str, nonce: str
    ) -> ExternalIdentity:
        config = self._providers[provider]
        meta = await self._meta(provider)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": config.client_id,
        }
        auth = (
            httpx.BasicAuth(config.client_id, config.client_secret.get_secret_value())
            if config.client_secret is not None
            else None
        )
        status, body = await self._call("POST", meta.token_endpoint, data=form, auth=auth)
        if status != 200:
            error = body.get("error") if isinstance(body, dict) else None
            raise ProviderRefused(
                f"the identity provider refused the authorization code ({error or status})"
            )
        id_token = body.get("id_token") if isinstance(body, dict) else None
        if not isinstance(id_token, str):
            raise ProviderRefused("the identity provider sent no ID token")
        claims = await self._verified_claims(provider, meta, id_token, nonce)
        email = claims.get("email")
        return ExternalIdentity(
            subject=str(claims["sub"]),
            email=email.lower() if isinstance(email, str) else None,
            # Only a true boolean counts (some providers send "true" strings: not ours).
            email_verified=claims.get("email_verified") is True,
            name=str(claims.get("name") or claims.get("preferred_username") or ""),
        )

    async def _verified_claims(
        self, provider: str, meta: _Metadata, id_token: str, nonce: str
    ) -> dict[str, Any]:
        config = self._providers[provider]
        keys = await self._keys(provider, meta)
        try:
            try:
                token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
            except (JoseError, ValueError) as first:
                # A key the provider added since we fetched the set? Look once more.
                if time.monotonic() - meta.keys_fetched_at < JWKS_REFRESH_S:
                    raise first
                token = jwt.decode(
                    id_token, await self._keys(provider, meta, refresh=True), algorithms=ALGORITHMS
                )
        except (JoseError, ValueError):
            raise ProviderRefused("invalid ID token: its signature does not verify") from None
        claims = dict(token.claims)
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_SKEW_S,
            iss={"essential": True, "value": config.issuer},
            aud={"essential": True, "value": config.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            claim = getattr(exc, "claim", None)
            what = f"its {claim!r} claim is wrong or missing" if claim else exc.error
            raise ProviderRefused(f"invalid ID token: {what}") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != config.client_id:
            raise ProviderRefused("invalid ID token: it was issued to another party (azp)")
        return claims

    async def _meta(self, provider: str) -> _Metadata:
        cached = self._metadata.get(provider)
        if cached is not None and time.monotonic() - cached.fetched_at < METADATA_TTL_S:
            return cached
        config = self._providers[provider]
        status, doc = await self._call("GET", config.issuer + DISCOVERY_PATH)
        if status != 200 or not isinstance(doc, dict):
            raise ProviderUnavailable(f"the identity provider's discovery document: {status}")
        if doc.get("issuer") != config.issuer:
            raise ProviderUnavailable("the identity provider's discovery names another issuer")
        endpoints = {}
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            url = doc.get(field)
            if not isinstance(url, str) or not self._allowed(config, url):
                raise ProviderUnavailable(
                    f"the identity provider's {field} is outside its issuer "
                    "(add its host to the provider's endpoint_hosts if it is theirs)"
                )
            endpoints[field] = url
        meta = _Metadata(
            authorization_endpoint=endpoints["authorization_endpoint"],
            token_endpoint=endpoints["token_endpoint"],
            jwks_uri=endpoints["jwks_uri"],
            fetched_at=time.monotonic(),
        )
        self._metadata[provider] = meta
        return meta

    async def _keys(self, provider: str, meta: _Metadata, *, refresh: bool = False) -> KeySet:
        if meta.keys is not None and not refresh:
            return meta.keys
        status, doc = await self._call("GET", meta.jwks_uri)
        try:
            if status != 200 or not isinstance(doc, dict):
                raise ValueError(status)
            keys = KeySet.import_key_set(doc)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError):
            raise ProviderUnavailable("the identity provider's keys (JWKS) are unusable") from None
        meta.keys, meta.keys_fetched_at = keys, time.monotonic()
        return keys

    @staticmethod
    def _allowed(config: OidcProvider, url: str) -> bool:
        issuer, parts = urlsplit(config.issuer), urlsplit(url)
        if parts.scheme != issuer.scheme or parts.username or parts.password:
            return False
        if parts.hostname == issuer.hostname and parts.port == issuer.port:
            return True
        return parts.scheme == "https" and parts.hostname in config.endpoint_hosts

    async def _call(self, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
        try:
            async with (
                httpx.AsyncClient(
                    transport=self._transport, timeout=TIMEOUT_S, follow_redirects=False
                ) as client,
                client.stream(
                    method, url, headers={"accept": "application/json"}, **kwargs
                ) as response,
            ):
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_BODY_BYTES:
                        raise ProviderUnavailable("the identity provider's answer is too large")
                status = response.status_code
        except httpx.HTTPError:
            raise ProviderUnavailable("the identity provider cannot be reached") from None
        try:
            return status, httpx.Response(status, content=body).json()
        except ValueError:
            return status, None
