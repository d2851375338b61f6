"""Token issuing and verification shared by the services that face clients."""

from insightbus.common.auth.tokens import (
    InvalidToken,
    TokenClaims,
    TokenCodec,
    TokenKind,
    bearer_token,
    key_file,
    key_source,
)
from insightbus.common.auth.verifier import AccessTokenVerifier

__all__ = [
    "AccessTokenVerifier",
    "InvalidToken",
    "TokenClaims",
    "TokenCodec",
    "TokenKind",
    "bearer_token",
    "key_file",
    "key_source",
]
