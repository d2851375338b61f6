"""Bearer tokens: issued by the gateway, verified by every service that serves clients.

HS256 JWTs with a ``kind`` claim, so an access token is never taken for a refresh
token or the reverse. Refresh tokens carry a ``family`` so that reusing a spent one can
revoke every token descended from the same login. The ``kid`` header names the key that
signed it (``keys.py``: the newest signs, older ones verify until they retire).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import jwt

from insightbus.common.auth.keys import (
    LEGACY_KID,
    MIN_SECRET_LENGTH,
    FileKeys,
    KeyRing,
    KeySource,
    SigningKey,
    StaticKeys,
    create_ring_once,
    new_key,
)
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
    key_id: str = LEGACY_KID


class TokenCodec:
    def __init__(
        self,
        keys: str | KeySource,
        *,
        issuer: str,
        access_ttl_s: int,
        refresh_ttl_s: int,
    ) -> None:
        if isinstance(keys, str):
            if len(keys) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"the token secret must be at least {MIN_SECRET_LENGTH} characters"
                )
            keys = StaticKeys(KeyRing((SigningKey(LEGACY_KID, keys, created_at=0.0),)))
        self._keys = keys
        self._issuer = issuer
        self._ttl = {TokenKind.access: access_ttl_s, TokenKind.refresh: refresh_ttl_s}

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCodec:
        return cls(
            key_source(settings),
            issuer=settings.jwt_issuer,
            access_ttl_s=settings.access_token_ttl_s,
            refresh_ttl_s=settings.refresh_token_ttl_s,
        )

    def key_verifies(self, kid: str) -> bool:
        """Whether tokens signed by ``kid`` are still accepted (it may have retired since)."""
        return self._keys.ring().verifying_key(kid) is not None

    def ttl(self, kind: TokenKind) -> int:
        return self._ttl[kind]

    def issue(
        self, subject: str, kind: TokenKind, family: str | None = None
    ) -> tuple[str, TokenClaims]:
        now = int(time.time())
        key = self._keys.ring().signing_key()
        claims = TokenClaims(
            subject=subject,
            kind=kind,
            token_id=secrets.token_hex(16),
            family=family or secrets.token_hex(16),
            expires_at=now + self._ttl[kind],
            key_id=key.kid,
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
        token = jwt.encode(payload, key.secret, algorithm=_ALGORITHM, headers={"kid": key.kid})
        return token, claims

    def _key_for(self, token: str) -> SigningKey:
        try:
            kid = jwt.get_unverified_header(token).get("kid", LEGACY_KID)
        except jwt.PyJWTError:
            raise InvalidToken("invalid token") from None
        if not isinstance(kid, str):
            raise InvalidToken("invalid token")
        ring = self._keys.ring()
        if not ring.knows(kid):
            ring = self._keys.ring(fresh=True)  # rotated since we last looked?
            if not ring.knows(kid):
                raise InvalidToken("token signed by an unknown key")
        key = ring.verifying_key(kid)
        if key is None:
            raise InvalidToken("token signed by a retired key")
        return key

    def verify(self, token: str, kind: TokenKind) -> TokenClaims:
        key = self._key_for(token)
        try:
            payload = jwt.decode(
                token,
                key.secret,
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
            key_id=key.kid,
        )


def key_file(settings: Settings) -> Path | None:
    """Where the ring is kept: the configured file, else (no secret set either: the
    embedded stack) ``data_dir/jwt-keys.json``."""
    if settings.jwt_keys_file is not None:
        return settings.jwt_keys_file
    if settings.jwt_secret is None:
        return settings.resolved_data_dir / "jwt-keys.json"
    return None


def key_source(settings: Settings) -> KeySource:
    legacy = (
        [SigningKey(LEGACY_KID, settings.jwt_secret.get_secret_value(), created_at=0.0)]
        if settings.jwt_secret is not None
        else []
    )
    path = key_file(settings)
    if path is None:
        return StaticKeys(KeyRing(tuple(legacy)))
    if settings.jwt_keys_file is None and not path.exists():
        # The embedded stack's first start (or its first since keys rotate): the secret it
        # generated before, if any, becomes the first key, so issued tokens stay valid.
        old = settings.resolved_data_dir / "jwt-secret"
        first = (
            SigningKey(LEGACY_KID, old.read_text().strip(), created_at=time.time())
            if old.exists()
            else new_key(time.time())
        )
        create_ring_once(path, first)
    return FileKeys(path, reload_s=settings.jwt_keys_reload_s, extra=legacy)


def bearer_token(authorization: str | None) -> str | None:
    """The token in an ``Authorization: Bearer <token>`` header, if there is one."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
