"""Token issuing and verification shared by the services that face clients."""

from insightbus.common.auth.tokens import (
    InvalidToken,
    TokenClaims,
    TokenCodec,
    TokenKind,
    bearer_token,
    resolve_secret,
)

__all__ = [
    "InvalidToken",
    "TokenClaims",
    "TokenCodec",
    "TokenKind",
    "bearer_token",
    "resolve_secret",
]
