"""Who is calling: bearer access tokens, verified once and remembered briefly."""

from __future__ import annotations

import time

from insightbus.common.auth import InvalidToken, TokenClaims, TokenCodec, TokenKind

_MAX_CACHED = 10_000


class AccessTokens:
    """Verifies access tokens, caching the result per token string until it expires:
    the rate limiter and the route both need the caller, and HMAC checks add up."""

    def __init__(self, codec: TokenCodec) -> None:
        self._codec = codec
        self._cache: dict[str, TokenClaims] = {}

    def verify(self, token: str) -> TokenClaims:
        claims = self._cache.get(token)
        if claims is not None and claims.expires_at > time.time():
            return claims
        claims = self._codec.verify(token, TokenKind.access)
        if len(self._cache) >= _MAX_CACHED:
            self._cache.clear()
        self._cache[token] = claims
        return claims

    def subject_or_none(self, token: str | None) -> str | None:
        if not token:
            return None
        try:
            return self.verify(token).subject
        except InvalidToken:
            return None
