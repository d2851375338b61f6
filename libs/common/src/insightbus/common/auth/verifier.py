"""Who is calling: access tokens verified once per token string, then remembered.

The rate limiter and the route both need the caller, on every request; an LRU of verified
claims turns the second (and every later) HMAC check of the same token into a dict lookup.
Only successes are cached, and a cached token still expires on time and is refused once
the key that signed it retires.
"""

from __future__ import annotations

import time

from cachetools import LRUCache

from insightbus.common.auth.tokens import InvalidToken, TokenClaims, TokenCodec, TokenKind

DEFAULT_CAPACITY = 4096


class AccessTokenVerifier:
    def __init__(self, codec: TokenCodec, capacity: int = DEFAULT_CAPACITY) -> None:
        self._codec = codec
        self._verified: LRUCache[str, TokenClaims] = LRUCache(maxsize=capacity)

    def verify(self, token: str) -> TokenClaims:
        """The claims of a valid access token; raises ``InvalidToken`` otherwise."""
        claims = self._verified.get(token)
        if claims is not None:
            if claims.expires_at > time.time() and self._codec.key_verifies(claims.key_id):
                return claims
            del self._verified[token]
        claims = self._codec.verify(token, TokenKind.access)
        self._verified[token] = claims
        return claims

    def subject_or_none(self, token: str | None) -> str | None:
        if not token:
            return None
        try:
            return self.verify(token).subject
        except InvalidToken:
            return None
