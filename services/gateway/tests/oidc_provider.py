"""A tiny OpenID provider for tests, on loopback: discovery, keys (JWKS), an authorization
endpoint that consents at once, and a token endpoint that checks the client, the PKCE
verifier and that each code is redeemed once. ID tokens are signed with Authlib's JOSE
implementation (joserfc)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Header
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from insightbus.common.testing.factories import serving

CLIENT_ID = "insightbus-test"
CLIENT_SECRET = "provider-client-secret-" + "p" * 20


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str


@dataclass
class Provider:
    issuer: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "p1"}))
    # Who logs in next, and what the ID token says of them.
    subject: str = "sub-ada"
    email: str = "ada@example.com"
    email_verified: bool = True
    audience: str | None = None  # None: the client's id
    # Overrides of the discovery document (an endpoint elsewhere, for the SSRF test).
    discovery: dict[str, str] = field(default_factory=dict)
    codes: dict[str, _Code] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def record(request: Any, call_next: Any) -> Any:
            self.fetched.append(request.url.path)
            return await call_next(request)

        @app.get("/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"],
                **self.discovery,
            }

        @app.get("/jwks")
        async def jwks() -> dict[str, Any]:
            return dict(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        async def authorize(
            response_type: str,
            client_id: str,
            redirect_uri: str,
            scope: str,
            state: str,
            nonce: str,
            code_challenge: str,
            code_challenge_method: str,
        ) -> Any:
            if response_type != "code" or client_id != CLIENT_ID or code_challenge_method != "S256":
                return JSONResponse({"error": "invalid_request"}, 400)
            if "openid" not in scope.split():
                return JSONResponse({"error": "invalid_scope"}, 400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = _Code(client_id, redirect_uri, code_challenge, nonce)
            return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")

        @app.post("/token")
        async def token(
            grant_type: str = Form(),
            code: str = Form(),
            redirect_uri: str = Form(),
            code_verifier: str = Form(),
            authorization: str = Header(""),
        ) -> Any:
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if authorization != f"Basic {expected}":
                return JSONResponse({"error": "invalid_client"}, 401)
            issued = self.codes.pop(code, None)  # once only
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if (
                grant_type != "authorization_code"
                or issued is None
                or issued.redirect_uri != redirect_uri
                or issued.challenge != challenge
            ):
                return JSONResponse({"error": "invalid_grant"}, 400)
            now = int(time.time())
            claims = {
                "iss": self.issuer,
                "sub": self.subject,
                "aud": self.audience or issued.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": issued.nonce,
                "email": self.email,
                "email_verified": self.email_verified,
                "name": "Ada",
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "p1"}, claims, self.key)
            return {"access_token": "at", "token_type": "Bearer", "id_token": id_token}

        return app


@contextlib.asynccontextmanager
async def running_provider() -> AsyncIterator[Provider]:
    provider = Provider()
    async with serving(provider.app()) as url:
        provider.issuer = url
        yield provider
