"""Bearer tokens: issued by the gateway, verified by every service that serves clients.

HS256 JWTs with a ``kind`` claim, so an access token is never taken for a refresh
token or the reverse. Refresh tokens carry a ``family`` so that reusing a spent one can
revoke every token descended from the same login.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import jwt

from insightbus.common.settings import Settings

_ALGORITHM = "HS256"


class TokenKind(StrEnum):
    access = "access"
    refresh = "refresh"


class InvalidToken(Exception):
    """Missing, malformed, expired, or of the wrong kind. The message is safe to show."""


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    kind: TokenKind
    token_id: str
    family: str
    expires_at: int


class TokenCodec:
    def __init__(self, secret: str, *, issuer: str, access_ttl_s: int, refresh_ttl_s: int) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters")
        self._secret = secret
        self._issuer = issuer
        self._ttl = {TokenKind.access: access_ttl_s, TokenKind.refresh: refresh_ttl_s}

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCodec:
        return cls(
            resolve_secret(settings),
            issuer=settings.jwt_issuer,
            access_ttl_s=settings.access_token_ttl_s,
            refresh_ttl_s=settings.refresh_token_ttl_s,
        )

    def ttl(self, kind: TokenKind) -> int:
        return self._ttl[kind]

    def issue(
        self, subject: str, kind: TokenKind, family: str | None = None
    ) -> tuple[str, TokenClaims]:
        now = int(time.time())
        claims = TokenClaims(
            subject=subject,
            kind=kind,
            token_id=secrets.token_hex(16),
            family=family or secrets.token_hex(16),
            expires_at=now + self._ttl[kind],
        )
        payload = {
            "sub": claims.subject,
            "kind": claims.kind.value,
            "jti": claims.token_id,
            "fam": claims.family,
            "iat": now,
            "exp": claims.expires_at,
            "iss": self._issuer,
        }
        return jwt.encode(payload, self._secret, algorithm=_ALGORITHM), claims

    def verify(self, token: str, kind: TokenKind) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "exp", "iat", "jti", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.PyJWTError:
            raise InvalidToken("invalid token") from None
        if payload.get("kind") != kind.value:
            raise InvalidToken(
                f"not an {kind.value} token"
                if kind is TokenKind.access
                else f"not a {kind.value} token"
            )
        return TokenClaims(
            subject=str(payload["sub"]),
            kind=kind,
            token_id=str(payload["jti"]),
            family=str(payload.get("fam", "")),
            expires_at=int(payload["exp"]),
        )


def resolve_secret(settings: Settings) -> str:
    """The configured secret, or, for the embedded stack, one generated once and kept."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    path: Path = settings.resolved_data_dir / "jwt-secret"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def bearer_token(authorization: str | None) -> str | None:
    """The token in an ``Authorization: Bearer <token>`` header, if there is one."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
