"""OpenID Connect login: who the provider says the user is, and why a login is refused."""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.common.errors import BadRequest, Forbidden, Unauthenticated, Unavailable


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    """The claims of a verified ID token that a login needs."""

    subject: str
    email: str | None
    email_verified: bool
    name: str


class FlowRefused(BadRequest):
    """The callback does not belong to a login we started (state unknown, spent, expired,
    or not this browser's), or the provider sent an error instead of a code (400)."""


class ProviderRefused(Unauthenticated):
    """The provider refused the code (spent, wrong PKCE verifier), or its ID token does not
    verify: signature, issuer, audience, nonce, expiry (401)."""


class EmailNotVerified(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "the identity provider has not verified this account's email address: "
            "verify it there, then log in again"
        )


class ProviderUnavailable(Unavailable):
    """The provider cannot be reached, or what it publishes is unusable (its discovery
    document names endpoints outside its issuer, its keys do not parse) (503)."""
